import {
  definePlugin,
  describeFailure,
  type DryRunRequest,
  type PluginContext,
  PluginError,
  runInstallSequence,
  succeeded,
  type Transaction,
  versionsNotReached,
} from '../../../plugins/sdk/index.js';

interface ToolConfig {
  /** The package manager's tool, with `list`, `installed`, `held` and `upgrade -- <names>`. */
  tool: string[];
}

/** The words of each line `tool <args>` prints. */
async function ask(ctx: PluginContext<ToolConfig>, ...args: string[]): Promise<string[][]> {
  const [program = '', ...base] = ctx.config.tool;
  const result = await ctx.run(program, [...base, ...args], { timeoutMs: 60_000 });
  if (!succeeded(result)) throw new PluginError(describeFailure(result), { code: 'command-failed' });
  return result.stdout.filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s+/));
}

/** `list` prints `name installed available` for each pending update. */
async function dryRun(ctx: PluginContext<ToolConfig>, request: DryRunRequest): Promise<Transaction> {
  const wanted = new Set(request.packages.map((p) => p.name));
  const upgrades = (await ask(ctx, 'list'))
    .filter(([name = '']) => wanted.has(name))
    .map(([name = '', fromVersion, toVersion]) => ({ name, fromVersion, toVersion }));
  return { upgrades, newPackages: [], removals: [], warnings: [] };
}

const NO_REBOOT = { required: false, packages: [], reasons: [] };

export default definePlugin<ToolConfig>({
  name: 'example-tool',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  kind: 'package-manager',
  description: 'Installs updates with a tool that can list, hold and upgrade packages.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['tool'],
    properties: { tool: { type: 'array', items: { type: 'string' }, minItems: 1 } },
  },
  create(ctx) {
    const held = async () => (await ask(ctx, 'held')).map(([name = '']) => name);
    const installed = async () =>
      new Map((await ask(ctx, 'installed')).map(([name = '', version = '']) => [name, version]));
    return {
      detect: async () => ({ available: true }),
      scan: async () => ({
        packages: (await ask(ctx, 'list')).map(([name = '', currentVersion = '', availableVersion = '']) => ({
          plugin: 'example-tool',
          name,
          currentVersion,
          availableVersion,
          severity: 'unknown' as const,
          source: 'example',
          security: false,
          metadata: {},
        })),
        complete: true,
        warnings: [],
      }),
      dryRun: (request) => dryRun(ctx, request),
      // Only what this package manager does differently; runInstallSequence keeps the order.
      install: (request, onProgress) =>
        runInstallSequence(request, onProgress, {
          held: async () => (await held()).filter((name) => request.packages.some((p) => p.name === name)),
          heldRefusal: (names) =>
            `refusing to upgrade held package(s) ${names}: run example-tool unhold first`,
          plan: async () => ({ transaction: await dryRun(ctx, request) }),
          // The tool installs whatever is newest: refuse a version that moved on since it was approved.
          offeredBy: 'the tool now offers',
          readInventory: installed,
          run: async ({ transaction }, report) => {
            const [program = '', ...base] = ctx.config.tool;
            const names = transaction.upgrades.map((u) => u.name);
            const result = await ctx.run(program, [...base, 'upgrade', '--', ...names], {
              timeoutMs: 3_600_000,
              onStdoutLine: (line) => report({ stage: 'install', message: line }),
            });
            return succeeded(result) ? null : describeFailure(result);
          },
          changed: (before, after) =>
            [...after]
              .filter(([name, version]) => before.get(name) !== version)
              .map(([name, toVersion]) => ({ name, fromVersion: before.get(name), toVersion })),
          missed: ({ transaction }, after) =>
            versionsNotReached(transaction.upgrades, (u) => after.get(u.name)),
          rebootStatus: () => NO_REBOOT,
        }),
      rebootRequired: async () => NO_REBOOT,
      holds: held,
    };
  },
});
