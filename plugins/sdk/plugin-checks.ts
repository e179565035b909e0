import semver from 'semver';
import { type DefinedPlugin, isDefinedPlugin, type PluginDefinition } from './define-plugin.js';
import { errorMessage } from './errors.js';
import { manifestSchema, type PluginKind } from './manifest.js';
import { compileChecker, compileConfigChecker } from './schema-validation.js';

export type AnyPlugin = DefinedPlugin<PluginDefinition<unknown, unknown>>;

export type PluginCheck =
  | { ok: true; plugin: AnyPlugin; config: Record<string, unknown>; secrets: Record<string, unknown> }
  | { ok: false; name?: string; message: string };

export interface CheckOptions {
  accept: readonly PluginKind[];
  apiVersion: string;
  configs: Readonly<Record<string, unknown>>;
  secrets?: Readonly<Record<string, unknown>>;
  /** Names already taken, with the module that took them. */
  loaded: ReadonlyMap<string, string>;
}

const checkManifest = compileChecker(manifestSchema);

/**
 * Everything the host verifies before it creates a plugin, in the order a user would fix it:
 * is it a plugin at all, is its manifest sound, does it fit this API and this side, is its name
 * free, is its config valid. Each refusal says what to do.
 */
export function checkPlugin(id: string, moduleValue: unknown, options: CheckOptions): PluginCheck {
  const exported = (moduleValue as { default?: unknown } | null)?.default ?? moduleValue;
  if (!isDefinedPlugin(exported))
    return {
      ok: false,
      message: `${id} does not export a plugin: its default export must come from definePlugin()`,
    };
  const plugin = exported;

  const manifestProblems = checkManifest(plugin);
  if (manifestProblems.length)
    return { ok: false, message: `${id} has an invalid manifest: ${manifestProblems.join('; ')}` };
  const { name, version, apiVersion, kind } = plugin;
  const refuse = (message: string): PluginCheck => ({
    ok: false,
    name,
    message: `plugin ${name}: ${message}`,
  });
  if (typeof plugin.create !== 'function') return refuse('its definition has no create(ctx) function');
  if (!semver.valid(version)) return refuse(`version "${version}" is not a semver version`);
  if (!semver.validRange(apiVersion)) return refuse(`apiVersion "${apiVersion}" is not a semver range`);
  if (!semver.satisfies(options.apiVersion, apiVersion))
    return refuse(
      `${version} needs plugin API ${apiVersion}, but this RedFlag provides plugin API ${options.apiVersion}; ` +
        `install a release of ${name} made for API ${semver.major(options.apiVersion)}.x, or a RedFlag that provides ${apiVersion}`,
    );
  if (!options.accept.includes(kind))
    return refuse(`it is a ${kind} plugin; only ${options.accept.join(', ')} plugins run here`);
  const owner = options.loaded.get(name);
  if (owner !== undefined)
    return refuse(`a plugin with this name is already loaded from ${owner} (not loading ${id})`);

  const config = checkSettings(plugin.configSchema, options.configs[name], 'config', false);
  if (typeof config === 'string') return refuse(config);
  const secrets = checkSettings(plugin.secretsSchema, options.secrets?.[name], 'secrets', true);
  if (typeof secrets === 'string') return refuse(secrets);
  return { ok: true, plugin, config, secrets };
}

/**
 * A plugin's config (or secrets) checked against its schema, defaults filled in; a string says
 * what is wrong. Secrets are never echoed: a problem names the key, not the value.
 */
function checkSettings(
  schema: Record<string, unknown> | undefined,
  given: unknown,
  what: 'config' | 'secrets',
  hideValues: boolean,
): Record<string, unknown> | string {
  given ??= {};
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    return hideValues
      ? `its ${what} must be a mapping of settings`
      : `its ${what} must be a mapping of settings, got ${JSON.stringify(given)}`;
  // A copy: defaults are filled into it, and the caller's object stays as the user wrote it.
  const settings = structuredClone(given) as Record<string, unknown>;
  if (!schema) {
    const keys = Object.keys(settings);
    return keys.length ? `it takes no ${what}, but got ${keys.join(', ')}` : settings;
  }
  let check;
  try {
    check = compileConfigChecker(schema, { hideValues });
  } catch (error) {
    const key = what === 'config' ? 'configSchema' : 'secretsSchema';
    return `its ${key} is not a valid JSON schema: ${errorMessage(error)}`;
  }
  const problems = check(settings);
  return problems.length ? `invalid ${what}: ${problems.join('; ')}` : settings;
}
