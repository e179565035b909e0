import type { PluginContext } from './context.js';
import type { Integration, Notifier } from './integration.js';
import type { PluginManifest } from './manifest.js';
import type { PackageManager } from './package-manager.js';

/** The config type of a plugin that takes none. */
export type NoConfig = Record<string, never>;

export interface PackageManagerPluginDefinition<TConfig = NoConfig> extends PluginManifest {
  kind: 'package-manager';
  create(ctx: PluginContext<TConfig>): PackageManager | Promise<PackageManager>;
}

export interface IntegrationPluginDefinition<TConfig = NoConfig> extends PluginManifest {
  kind: 'integration';
  create(ctx: PluginContext<TConfig>): Integration | Promise<Integration>;
}

export interface NotifierPluginDefinition<TConfig = NoConfig> extends PluginManifest {
  kind: 'notifier';
  create(ctx: PluginContext<TConfig>): Notifier | Promise<Notifier>;
}

export type PluginDefinition<TConfig = NoConfig> =
  | PackageManagerPluginDefinition<TConfig>
  | IntegrationPluginDefinition<TConfig>
  | NotifierPluginDefinition<TConfig>;

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
export function definePlugin<TConfig = NoConfig>(
  definition: IntegrationPluginDefinition<TConfig>,
): DefinedPlugin<IntegrationPluginDefinition<TConfig>>;
export function definePlugin<TConfig = NoConfig>(
  definition: NotifierPluginDefinition<TConfig>,
): DefinedPlugin<NotifierPluginDefinition<TConfig>>;
export function definePlugin<TConfig>(
  definition: PluginDefinition<TConfig>,
): DefinedPlugin<PluginDefinition<TConfig>> {
  return Object.freeze({ ...definition, [PLUGIN_DEFINITION]: true as const });
}

export function isDefinedPlugin(value: unknown): value is DefinedPlugin<PluginDefinition<unknown>> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[PLUGIN_DEFINITION] === true
  );
}
