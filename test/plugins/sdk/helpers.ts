import {
  definePlugin,
  type PackageManager,
  type PackageManagerPluginDefinition,
  type PluginContext,
  type PluginEvent,
  PluginHost,
  type PluginHostOptions,
  type PluginModuleEntry,
  type ScanPackage,
} from '../../../plugins/sdk/index.js';

export function record(plugin: string, name: string, extra: Partial<ScanPackage> = {}): ScanPackage {
  return {
    plugin,
    name,
    currentVersion: '1.0',
    availableVersion: '1.1',
    severity: 'unknown',
    source: 'test',
    security: false,
    metadata: {},
    ...extra,
  };
}

/** A package manager that works, with any operation replaced by the test. */
export function packageManager(name: string, overrides: Partial<PackageManager> = {}): PackageManager {
  return {
    detect: async () => ({ available: true }),
    scan: async () => ({ packages: [record(name, `${name}-pkg`)], complete: true, warnings: [] }),
    dryRun: async () => ({ upgrades: [], newPackages: [], removals: [], warnings: [] }),
    install: async () => ({
      changed: [],
      rebootRequired: { required: false, packages: [], reasons: [] },
      warnings: [],
    }),
    rebootRequired: async () => ({ required: false, packages: [], reasons: [] }),
    holds: async () => [],
    ...overrides,
  };
}

type Definition<C> = Omit<PackageManagerPluginDefinition<C>, 'create' | 'kind'> & {
  create?: (ctx: PluginContext<C>) => PackageManager | Promise<PackageManager>;
};

/** A module entry exporting a package-manager plugin, as `import()` would return it. */
export function pluginModule<C = Record<string, never>>(
  definition: Partial<Definition<C>> & { name: string },
): PluginModuleEntry {
  const plugin = definePlugin<C>({
    version: '1.0.0',
    apiVersion: '^1.0.0',
    create: () => packageManager(definition.name),
    ...definition,
    kind: 'package-manager',
  });
  return { id: `test/${definition.name}`, load: async () => ({ default: plugin }) };
}

export async function startHost(
  modules: PluginModuleEntry[],
  options: Partial<PluginHostOptions> = {},
): Promise<{ host: PluginHost; events: PluginEvent[] }> {
  const events: PluginEvent[] = [];
  const host = new PluginHost({
    modules,
    accept: ['package-manager'],
    onEvent: (e) => events.push(e),
    ...options,
  });
  await host.start();
  return { host, events };
}
