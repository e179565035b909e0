import type { OperationContext, PluginContext } from '../sdk/index.js';
import type { PackageKitConfig } from './config.js';
import { type BusConnection, openBus, systemBusAddress } from './dbus-connection.js';
import { bitfield, FILTER } from './enums.js';
import type { PackageSignal } from './parse-signals.js';
import { runTransaction, type TransactionResult, type TransactionSpec } from './transaction.js';

/**
 * One operation's conversation with PackageKit: its own bus connection, closed when the
 * operation ends however it ends (a hung daemon leaves nothing behind).
 */
export class PackageKitSession {
  private constructor(
    readonly ctx: PluginContext<PackageKitConfig>,
    readonly op: OperationContext,
    readonly bus: BusConnection,
  ) {}

  static async with<T>(
    ctx: PluginContext<PackageKitConfig>,
    op: OperationContext,
    work: (session: PackageKitSession) => Promise<T>,
  ): Promise<T> {
    const bus = openBus(systemBusAddress(ctx.config.busAddress));
    try {
      return await work(new PackageKitSession(ctx, op, bus));
    } finally {
      bus.close();
    }
  }

  get callOptions() {
    return { signal: this.op.signal, timeoutMs: this.ctx.config.callTimeoutSeconds * 1000 };
  }

  transaction(
    spec: Pick<TransactionSpec, 'member' | 'signature' | 'body' | 'onPackage' | 'onProgress'> & {
      timeoutMs?: number;
    },
  ): Promise<TransactionResult> {
    return runTransaction(this.bus, {
      timeoutMs: this.ctx.config.transactionTimeoutSeconds * 1000,
      callTimeoutMs: this.ctx.config.callTimeoutSeconds * 1000,
      pluralSignals: this.ctx.config.pluralSignals,
      signal: this.op.signal,
      log: (message) => this.ctx.logger.info(message),
      ...spec,
    });
  }

  /** GetUpdates with filter `none`: every pending update (Transaction.xml: "the complete list"). */
  async updates(): Promise<TransactionResult> {
    return this.transaction({ member: 'GetUpdates', signature: 't', body: [bitfield(FILTER.none)] });
  }

  /**
   * The installed packages of these names, by Resolve with the `installed` filter (GetUpdates
   * reports only the new version).
   */
  async installed(names: string[]): Promise<{ packages: PackageSignal[]; problems: string[] }> {
    const unique = [...new Set(names)].sort();
    if (unique.length === 0) return { packages: [], problems: [] };
    const result = await this.transaction({
      member: 'Resolve',
      signature: 'tas',
      body: [bitfield(FILTER.installed), unique],
    });
    return {
      packages: result.packages.filter((p) => p.info === 'installed' || p.pkg.data.startsWith('installed')),
      problems: result.problems,
    };
  }
}

/** Installed versions by `name:arch` and by name (first seen), to match an update to its package. */
export class InstalledIndex {
  private readonly byKey = new Map<string, PackageSignal>();
  private readonly byName = new Map<string, PackageSignal>();

  constructor(packages: PackageSignal[]) {
    for (const p of packages) {
      this.byKey.set(`${p.pkg.name}:${p.pkg.arch}`, p);
      if (!this.byName.has(p.pkg.name)) this.byName.set(p.pkg.name, p);
    }
  }

  find(name: string, arch?: string): PackageSignal | undefined {
    return (arch !== undefined ? this.byKey.get(`${name}:${arch}`) : undefined) ?? this.byName.get(name);
  }
}
