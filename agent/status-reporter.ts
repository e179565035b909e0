import type { Logger } from 'pino';
import type { PluginInfo } from './plugins/plugin-runtime.js';
import { type ConnectionState, type DaemonStatus, writeDaemonStatus } from './state/daemon-status.js';
import { AGENT_VERSION } from './version.js';

export interface StatusSource {
  brokerUrl(): string;
  lastError(): string | null;
  plugins(): PluginInfo[];
  storage(): NonNullable<DaemonStatus['storage']>;
}

/**
 * Keeps `daemon-status.json` current for `redflag-agent status` (another process): the
 * connection state and since when, the last connection error, the plugins, whether the state
 * directory takes writes. Writes are
 * serialized; a failed write is logged, never fatal.
 */
export class StatusReporter {
  private readonly startedAt = new Date().toISOString();
  private current: { state: ConnectionState; since: string; lastConnectedAt: string | null } = {
    state: 'connecting',
    since: this.startedAt,
    lastConnectedAt: null,
  };
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly stateDir: string,
    private readonly source: StatusSource,
    private readonly log: Logger,
  ) {}

  get state(): ConnectionState {
    return this.current.state;
  }

  /** Records a new state (its `since` only changes when the state does) and writes the file. */
  update(state?: ConnectionState): void {
    if (state && state !== this.current.state) {
      const now = new Date().toISOString();
      this.current = {
        state,
        since: now,
        lastConnectedAt: state === 'connected' ? now : this.current.lastConnectedAt,
      };
    }
    this.writing = this.writing
      .then(() =>
        writeDaemonStatus(this.stateDir, {
          pid: process.pid,
          agentVersion: AGENT_VERSION,
          startedAt: this.startedAt,
          connection: {
            ...this.current,
            brokerUrl: this.source.brokerUrl(),
            lastError: this.source.lastError(),
          },
          plugins: this.source.plugins(),
          storage: this.source.storage(),
          updatedAt: new Date().toISOString(),
        }),
      )
      .catch((err: unknown) => this.log.warn({ err, component: 'agent' }, 'could not write the status file'));
  }

  flush(): Promise<void> {
    return this.writing;
  }
}
