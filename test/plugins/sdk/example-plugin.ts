import {
  definePlugin,
  describeFailure,
  PluginError,
  type ScanPackage,
  succeeded,
} from '../../../plugins/sdk/index.js';

interface ExampleConfig {
  /** A program (and its arguments) that prints one `name current available` line per update. */
  listCommand: string[];
}

export default definePlugin<ExampleConfig>({
  name: 'example',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  kind: 'package-manager',
  description: 'Reports the updates a command prints; cannot install them.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      listCommand: {
        type: 'array',
        items: { type: 'string' },
        minItems: 1,
        default: ['example-pm', 'list-updates'],
      },
    },
  },
  create(ctx) {
    const [program = '', ...args] = ctx.config.listCommand;
    return {
      async detect() {
        const result = await ctx.run(program, ['--version'], { timeoutMs: 10_000 });
        return succeeded(result)
          ? { available: true }
          : { available: false, reason: describeFailure(result) };
      },
      async scan() {
        // An argument vector, never a shell; stopped by the host if the operation is cancelled.
        const result = await ctx.run(program, args, { timeoutMs: 60_000 });
        if (!succeeded(result)) throw new PluginError(describeFailure(result), { code: 'command-failed' });
        const packages: ScanPackage[] = [];
        const warnings: string[] = [];
        for (const line of result.stdout.filter((l) => l.trim() !== '')) {
          const [name, currentVersion, availableVersion, extra] = line.trim().split(/\s+/);
          if (!name || !currentVersion || !availableVersion || extra !== undefined) {
            warnings.push(`unreadable line: ${JSON.stringify(line)}`);
            continue;
          }
          packages.push({
            plugin: 'example',
            name,
            currentVersion,
            availableVersion,
            severity: 'unknown',
            source: program,
            security: false,
            metadata: {},
          });
        }
        ctx.logger.info(`${packages.length} update(s) pending`);
        // Incomplete when a line was skipped: the core must not take a missing package as installed.
        return { packages, complete: warnings.length === 0, warnings };
      },
      async dryRun(request) {
        const upgrades = request.packages.map((p) => ({ name: p.name, toVersion: p.version }));
        return { upgrades, newPackages: [], removals: [], warnings: [] };
      },
      async install() {
        throw new PluginError('this example cannot install', { code: 'unsupported' });
      },
      async rebootRequired() {
        return { required: false, packages: [], reasons: [] };
      },
      async holds() {
        return [];
      },
    };
  },
});
