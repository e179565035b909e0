import type { PluginContext } from './context.js';
import type { CorePluginContext, PluginMigration } from './core-context.js';
import type { Integration, Notifier } from './integration.js';
import type { PluginManifest } from './manifest.js';
import type { PackageManager } from './package-manager.js';

/** The config type of a plugin that takes none. */
export type NoConfig = Record<string, never>;

export interface PackageManagerPluginDefinition<TConfig = NoConfig> extends PluginManifest {
  kind: 'package-manager';
  create(ctx: PluginContext<TConfig>): PackageManager | Promise<PackageManager>;
}

/** What the core's plugins (integration, notifier) may add to their manifest (issue 22 §4). */
interface CorePluginFields {
  /**
   * Its own tables, oldest first: run by the core's migrator before create(), each in a
   * transaction; a migration that touches a table not named `<name>_…` is refused.
   */
  migrations?: readonly PluginMigration[];
}

export interface IntegrationPluginDefinition<TConfig = NoConfig, TSecrets = NoConfig>
  extends PluginManifest, CorePluginFields {
  kind: 'integration';
  create(ctx: CorePluginContext<TConfig, TSecrets>): Integration | Promise<Integration>;
}

export interface NotifierPluginDefinition<TConfig = NoConfig, TSecrets = NoConfig>
  extends PluginManifest, CorePluginFields {
  kind: 'notifier';
  create(ctx: CorePluginContext<TConfig, TSecrets>): Notifier | Promise<Notifier>;
}

export type PluginDefinition<TConfig = NoConfig, TSecrets = NoConfig> =
  | PackageManagerPluginDefinition<TConfig>
  | IntegrationPluginDefinition<TConfig, TSecrets>
  | NotifierPluginDefinition<TConfig, TSecrets>;

/**
 * Marks objects made by definePlugin. `Symbol.for` so a plugin bundled with another copy of
 * the SDK is still recognised; the host checks the manifest's contents either way.
 */
export const PLUGIN_DEFINITION = Symbol.for('redflag.plugin-definition');

export type DefinedPlugin<TDefinition> = Readonly<TDefinition> & { readonly [PLUGIN_DEFINITION]: true };

/**
 * Declares a plugin; its module's default export. Types the `ctx.config` of `create` and
 * freezes the definition so nothing changes it after the host checked it.
 */
export function definePlugin<TConfig = NoConfig>(
  definition: PackageManagerPluginDefinition<TConfig>,
): DefinedPlugin<PackageManagerPluginDefinition<TConfig>>;
export function definePlugin<TConfig = NoConfig, TSecrets = NoConfig>(
  definition: IntegrationPluginDefinition<TConfig, TSecrets>,
): DefinedPlugin<IntegrationPluginDefinition<TConfig, TSecrets>>;
export function definePlugin<TConfig = NoConfig, TSecrets = NoConfig>(
  definition: NotifierPluginDefinition<TConfig, TSecrets>,
): DefinedPlugin<NotifierPluginDefinition<TConfig, TSecrets>>;
export function definePlugin<TConfig, TSecrets>(
  definition: PluginDefinition<TConfig, TSecrets>,
): DefinedPlugin<PluginDefinition<TConfig, TSecrets>> {
  return Object.freeze({ ...definition, [PLUGIN_DEFINITION]: true as const });
}

export function isDefinedPlugin(value: unknown): value is DefinedPlugin<PluginDefinition<unknown, unknown>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[PLUGIN_DEFINITION] === true
  );
}
