import type { EventEmitter } from 'node:events';
import type { AckMessage, ReceiptMessage, ResultMessage, ScanSchedule } from '../broker/protocol/index.js';
import type { PluginModuleEntry } from '../plugins/sdk/index.js';
import type { BackoffOptions } from './connection/backoff.js';
import type { Logger } from './log.js';
import type { PluginRuntime } from './plugins/plugin-runtime.js';
import type { ScanRun } from './scanner.js';
import type { CommandJournal } from './state/journal.js';
import type { ScanTrigger } from './state/scan-cache.js';
import type { Spool } from './state/spool.js';

export interface StartAgentOptions {
  configPath: string;
  stateDir: string;
  /** Package-manager plugins; the built-in ones (agent/plugins.ts) unless a test brings its own. */
  plugins?: readonly PluginModuleEntry[];
  logger?: Logger;
  backoff?: BackoffOptions;
  /** Re-send a spooled message when no receipt came within this long (default 2 min). */
  resendAfterMs?: number;
  scheduler?: { enabled?: boolean; startupSpreadMs?: number };
  /** How long `stop()` lets running commands finish before cancelling them (default 60 s). */
  shutdownGraceMs?: number;
}

/** Why the agent did not start, with the exit code `redflag-agent run` uses (docs/agent.md). */
export class AgentStartError extends Error {
  override readonly name = 'AgentStartError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface AgentEvents {
  online: [];
  offline: [reason: string];
  ack: [ack: AckMessage];
  result: [result: ResultMessage];
  receipt: [receipt: ReceiptMessage, wasSpooled: boolean];
  scan: [run: ScanRun];
  config: [revision: number];
  /** The agent must restart (a self-update was swapped in): `redflag-agent run` stops and exits 75. */
  restart: [reason: string];
}

export interface AgentHandle {
  agentId: string;
  events: EventEmitter<AgentEvents>;
  spool: Spool;
  journal: CommandJournal;
  plugins: PluginRuntime;
  readonly online: boolean;
  /** Revision of the last `config` from the core applied (0: none yet). */
  readonly configRevision: number;
  /** The scan path the scheduler uses. */
  scanNow(plugin: string, trigger?: ScanTrigger): Promise<ScanRun>;
  sendMetrics(): Promise<boolean>;
  /** Each available plugin's effective schedule and its next planned scan (null: none planned). */
  schedule(): Record<string, ScanSchedule & { nextAt: string | null }>;
  stop(): Promise<void>;
}
