import type { Logger } from 'pino';
import {
  type HostedPackageManager,
  type PluginEvent,
  PluginHost,
  type PluginModuleEntry,
  type ProcessRunner,
  type RebootStatus,
} from '../../plugins/sdk/index.js';
import { Mutex } from './mutex.js';

export interface PluginInfo {
  name: string;
  version: string;
  /** Loaded and detected on this host (its package manager is installed). */
  available: boolean;
  /** Why not, when it is not available. */
  reason?: string;
}

export interface RuntimeOptions {
  modules: readonly PluginModuleEntry[];
  /** Settings by plugin name, validated by each plugin's schema. */
  configs: Record<string, Record<string, unknown>>;
  logger: Logger;
  onEvent?(event: PluginEvent): void;
  /** Runs the plugins' processes (the agent's tracked runner; runProcess when absent). */
  runner?: ProcessRunner;
}

/**
 * The agent's package managers: a plugin host (plugins/sdk) plus what the agent needs around it.
 * Only plugins whose `detect()` finds their tool are offered; every operation of one plugin
 * runs under its own FIFO lock, so there is one install at a time per package manager and
 * scans and dry runs wait for it (apt would refuse them anyway, holding the dpkg lock).
 */
export class PluginRuntime {
  private host: PluginHost;
  private infos: PluginInfo[] = [];
  private readonly locks = new Map<string, Mutex>();
  private readonly log: Logger;

  private constructor(private opts: RuntimeOptions) {
    this.log = opts.logger.child({ component: 'plugins' });
    this.host = this.createHost(opts.configs);
  }

  static async start(opts: RuntimeOptions): Promise<PluginRuntime> {
    const runtime = new PluginRuntime(opts);
    await runtime.load();
    return runtime;
  }

  list(): PluginInfo[] {
    return this.infos.map((i) => ({ ...i }));
  }

  available(): string[] {
    return this.infos.filter((i) => i.available).map((i) => i.name);
  }

  capabilities(): Array<{ name: string; version: string; kind: string }> {
    return this.infos
      .filter((i) => i.available)
      .map((i) => ({ name: i.name, version: i.version, kind: 'package-manager' }));
  }

  isAvailable(name: string): boolean {
    return this.infos.some((i) => i.name === name && i.available);
  }

  /** The available plugin that runs this command type (docker: `restart_container`), if any. */
  commandPlugin(type: string): string | undefined {
    return this.available().find((name) => this.host.packageManager(name)?.commandTypes.includes(type));
  }

  /** Runs `work` with the plugin while holding its lock; waiting gives up when `signal` aborts. */
  async exclusive<T>(
    name: string,
    signal: AbortSignal | undefined,
    work: (pm: HostedPackageManager) => Promise<T>,
  ): Promise<T> {
    const release = await this.lockFor(name).lock(signal);
    try {
      const pm = this.isAvailable(name) ? this.host.packageManager(name) : undefined;
      if (!pm) throw new Error(`plugin ${name} is not available on this host`);
      return await work(pm);
    } finally {
      release();
    }
  }

  /** Whether any package manager says the host needs a reboot. */
  async rebootRequired(): Promise<RebootStatus> {
    const status: RebootStatus = { required: false, packages: [], reasons: [] };
    for (const name of this.available()) {
      const pm = this.host.packageManager(name);
      const outcome = await pm?.rebootRequired();
      if (outcome?.ok && outcome.value.required) {
        status.required = true;
        status.packages.push(...outcome.value.packages);
        status.reasons.push(...outcome.value.reasons.map((r) => `${name}: ${r}`));
      }
    }
    return status;
  }

  /** Restarts the host with new settings once every plugin is idle (signed set_config). */
  async reload(configs: Record<string, Record<string, unknown>>): Promise<void> {
    const names = new Set([...this.locks.keys(), ...this.infos.map((i) => i.name)]);
    const releases = await Promise.all([...names].sort().map((n) => this.lockFor(n).lock()));
    try {
      await this.host.stop();
      this.opts = { ...this.opts, configs };
      this.host = this.createHost(configs);
      await this.load();
    } finally {
      for (const release of releases) release();
    }
  }

  async stop(): Promise<void> {
    await this.host.stop();
  }

  private lockFor(name: string): Mutex {
    let lock = this.locks.get(name);
    if (!lock) this.locks.set(name, (lock = new Mutex()));
    return lock;
  }

  private createHost(configs: Record<string, Record<string, unknown>>): PluginHost {
    return new PluginHost({
      modules: this.opts.modules,
      accept: ['package-manager'],
      configs,
      onEvent: (event) => this.opts.onEvent?.(event),
      ...(this.opts.runner ? { runner: this.opts.runner } : {}),
      log: (entry) => this.log[entry.level]({ ...entry.fields }, entry.message),
    });
  }

  private async load(): Promise<void> {
    const statuses = await this.host.start();
    const infos: PluginInfo[] = [];
    for (const status of statuses) {
      if (status.state !== 'active')
        this.log.warn(
          { plugin: status.name ?? status.id, state: status.state },
          status.message ?? 'plugin not loaded',
        );
      if (!status.name || (status.kind && status.kind !== 'package-manager')) continue;
      const info: PluginInfo = { name: status.name, version: status.version ?? '0.0.0', available: false };
      const pm = status.state === 'active' ? this.host.packageManager(status.name) : undefined;
      if (!pm) info.reason = status.message ?? status.state;
      else {
        const detected = await pm.detect();
        if (detected.ok && detected.value.available) info.available = true;
        else info.reason = detected.ok ? (detected.value.reason ?? 'not installed here') : detected.message;
      }
      infos.push(info);
    }
    this.infos = infos;
    this.log.info(
      { plugins: infos.map((i) => `${i.name}:${i.available ? 'available' : 'unavailable'}`) },
      'plugins loaded',
    );
  }
}
