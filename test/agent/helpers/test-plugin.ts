import { EventEmitter } from 'node:events';
import {
  abortError,
  definePlugin,
  describeFailure,
  PluginError,
  type PluginModuleEntry,
  type ScanPackage,
  succeeded,
  type Transaction,
} from '../../../plugins/sdk/index.js';

export interface TestPackage {
  name: string;
  current: string;
  available: string;
}

/**
 * What a test controls and observes of a test package manager. Everything it reports is printed
 * by real programs (/usr/bin/printf, /bin/echo) through the SDK's process runner, so the
 * agent's whole path runs; only timing (the install gate) is in the test's hands.
 */
export interface TestPmControl {
  name: string;
  calls: { scan: number; dryRun: number; install: number };
  packages: TestPackage[];
  /** Dependencies a dry run adds as new packages (to make a transaction change after confirmation). */
  newPackages: string[];
  scanFails: string | null;
  /** A scan first runs `/bin/sleep` this long (a package manager that hangs). */
  scanSleepSeconds: number | null;
  rebootRequired: boolean;
  /** 'install-started' (name), 'install-finished' (name), 'scan-started' */
  events: EventEmitter;
  /** Installs wait until `release()`; abortable like a real long install. */
  holdInstalls(): { release(): void };
}

export function testPackageManager(
  name = 'testpm',
  packages?: TestPackage[],
): { entry: PluginModuleEntry; control: TestPmControl } {
  let gate: Promise<void> | null = null;
  const control: TestPmControl = {
    name,
    calls: { scan: 0, dryRun: 0, install: 0 },
    packages: packages ?? [
      { name: 'alpha', current: '1.0', available: '1.1' },
      { name: 'beta', current: '2.0', available: '2.5' },
    ],
    newPackages: [],
    scanFails: null,
    scanSleepSeconds: null,
    rebootRequired: false,
    events: new EventEmitter(),
    holdInstalls() {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return {
        release: () => {
          gate = null;
          release();
        },
      };
    },
  };

  const transactionFor = (names: string[]): Transaction => ({
    upgrades: control.packages
      .filter((p) => names.includes(p.name))
      .map((p) => ({
        name: p.name,
        arch: 'all',
        fromVersion: p.current,
        toVersion: p.available,
        source: 'test',
      })),
    newPackages: control.newPackages.map((n) => ({ name: n, arch: 'all', toVersion: '1.0', source: 'test' })),
    removals: [],
    warnings: [],
  });

  const plugin = definePlugin<{ source: string }>({
    name,
    version: '1.0.0',
    apiVersion: '^1.0.0',
    kind: 'package-manager',
    description: 'test package manager',
    configSchema: {
      type: 'object',
      additionalProperties: false,
      properties: { source: { type: 'string', default: 'test-suite' } },
    },
    create: (ctx) => ({
      // The install gate stands for a download: a cancel stops it until the gate opens.
      marksPointOfNoReturn: true,
      async detect() {
        const result = await ctx.run('/bin/echo', ['ok']);
        return { available: succeeded(result) };
      },
      async scan(op) {
        control.calls.scan++;
        control.events.emit('scan-started', name);
        if (control.scanFails) throw new PluginError(control.scanFails, { code: 'command-failed' });
        if (control.scanSleepSeconds !== null)
          await ctx.run('/bin/sleep', [String(control.scanSleepSeconds)], { signal: op.signal });
        const lines = control.packages.map((p) => `${p.name} ${p.current} ${p.available}`);
        const result = await ctx.run('/usr/bin/printf', ['%s\\n', ...lines], { signal: op.signal });
        if (!succeeded(result)) throw new PluginError(describeFailure(result));
        const found: ScanPackage[] = result.stdout
          .filter((l) => l.trim())
          .map((l) => {
            const [pkg = '', current = '', available = ''] = l.split(' ');
            return {
              plugin: name,
              name: pkg,
              arch: 'all',
              currentVersion: current,
              availableVersion: available,
              severity: pkg === 'alpha' ? 'high' : 'unknown',
              source: ctx.config.source,
              security: pkg === 'alpha',
              metadata: {},
            };
          });
        return { packages: found, complete: true, warnings: [] };
      },
      async dryRun(request) {
        control.calls.dryRun++;
        return transactionFor(request.packages.map((p) => p.name));
      },
      async install(request, onProgress, op) {
        control.calls.install++;
        control.events.emit('install-started', name);
        onProgress({ stage: 'install', percent: 0, message: 'starting' });
        const waiting = gate;
        if (waiting)
          await new Promise<void>((resolve, reject) => {
            if (op.signal.aborted) return reject(abortError(op.signal));
            op.signal.addEventListener('abort', () => reject(abortError(op.signal)), { once: true });
            void waiting.then(resolve);
          });
        op.pointOfNoReturn(); // from here on it "changes the system" (issue 21 §6)
        const names = request.packages.map((p) => p.name);
        // Package names as separate arguments, never through a shell.
        const result = await ctx.run('/bin/echo', ['Unpacking', ...names], {
          signal: op.signal,
          onStdoutLine: (line) => onProgress({ stage: 'output', message: line }),
        });
        if (!succeeded(result)) throw new PluginError(describeFailure(result));
        onProgress({ stage: 'install', percent: 100, message: 'done' });
        const changed = transactionFor(names).upgrades;
        for (const p of control.packages) if (names.includes(p.name)) p.current = p.available;
        control.events.emit('install-finished', name);
        return {
          changed,
          rebootRequired: {
            required: control.rebootRequired,
            packages: [],
            reasons: control.rebootRequired ? ['test says so'] : [],
          },
          warnings: [],
        };
      },
      async rebootRequired() {
        return {
          required: control.rebootRequired,
          packages: [],
          reasons: control.rebootRequired ? ['test says so'] : [],
        };
      },
      async holds() {
        return [];
      },
    }),
  });
  return { entry: { id: `test/${name}`, load: async () => ({ default: plugin }) }, control };
}
