import semver from 'semver';
import { type DefinedPlugin, isDefinedPlugin, type PluginDefinition } from './define-plugin.js';
import { errorMessage } from './errors.js';
import { manifestSchema, type PluginKind } from './manifest.js';
import { compileChecker, compileConfigChecker } from './schema-validation.js';

export type AnyPlugin = DefinedPlugin<PluginDefinition<unknown>>;

export type PluginCheck =
  | { ok: true; plugin: AnyPlugin; config: Record<string, unknown> }
  | { ok: false; name?: string; message: string };

export interface CheckOptions {
  accept: readonly PluginKind[];
  apiVersion: string;
  configs: Readonly<Record<string, unknown>>;
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

  const given = options.configs[name] ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given))
    return refuse(`its config must be a mapping of settings, got ${JSON.stringify(given)}`);
  // A copy: defaults are filled into it, and the caller's object stays as the user wrote it.
  const config = structuredClone(given) as Record<string, unknown>;
  if (!plugin.configSchema) {
    const keys = Object.keys(config);
    return keys.length
      ? refuse(`it takes no config, but got ${keys.join(', ')}`)
      : { ok: true, plugin, config };
  }
  let checkConfig;
  try {
    checkConfig = compileConfigChecker(plugin.configSchema);
  } catch (error) {
    return refuse(`its configSchema is not a valid JSON schema: ${errorMessage(error)}`);
  }
  const problems = checkConfig(config);
  if (problems.length) return refuse(`invalid config: ${problems.join('; ')}`);
  return { ok: true, plugin, config };
}
