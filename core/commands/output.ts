import type { ProgressMessage } from '../../broker/protocol/index.js';
import type { Database, StoredOutputLine } from '../db/index.js';
import type { LiveBus } from '../events/index.js';
import type { Logger } from '../log/index.js';

export interface OutputCaps {
  /** Most lines stored per command, the truncation notice included. */
  maxLines: number;
  /** Most characters of line text stored per command (the notice may go a little beyond). */
  maxChars: number;
}

export interface CommandOutputContext {
  db: Database;
  logger: Logger;
  bus?: LiveBus;
  caps: OutputCaps;
  /** The first line this core sees of a command: it runs (the agent's clock). */
  onFirstLine(commandId: string, agentId: string, at: Date): Promise<void>;
}

interface CommandState {
  agentId: string;
  pending: StoredOutputLine[];
  /** Stored so far (known once `loaded`), and what `pending` will add. */
  lines: number;
  chars: number;
  queued: number;
  truncated: boolean;
  loaded: boolean;
  /** The command exists and belongs to this agent. */
  valid: boolean;
  scheduled: boolean;
  chain: Promise<void>;
}

export const truncationNotice = (caps: OutputCaps) =>
  `output truncated: the core keeps the first ${caps.maxLines} lines or ${Math.round(caps.maxChars / 1024)} KiB ` +
  `of a command; the last lines are in its result`;

/**
 * Stores each command's `progress` lines and puts them on the live bus, a batch at a time:
 * lines arriving together (one MQTT read) cost one INSERT and one bus event, and a chatty
 * apt run stops being stored at the caps (config `commands.outputMaxLines`/`outputMaxKiB`).
 * Lines are best effort, as `progress` itself: a failed write is logged, not retried.
 */
export function createCommandOutput(ctx: CommandOutputContext) {
  const log = ctx.logger.child({ component: 'commands' });
  const states = new Map<string, CommandState>();

  async function load(commandId: string, state: CommandState) {
    const command = await ctx.db.commands.findById(commandId);
    state.loaded = true;
    state.valid = command !== null && command.agentId === state.agentId;
    if (!state.valid) return;
    const usage = await ctx.db.commandOutput.usage(commandId);
    state.lines = usage.lines;
    state.chars = usage.chars;
    state.truncated = usage.lines >= ctx.caps.maxLines || usage.chars >= ctx.caps.maxChars;
    await ctx.onFirstLine(commandId, state.agentId, state.pending[0]?.ts ?? new Date());
  }

  /** The lines that fit under the caps; the first one that does not becomes the notice. */
  function fit(state: CommandState, batch: StoredOutputLine[]): StoredOutputLine[] {
    const kept: StoredOutputLine[] = [];
    for (const line of batch.sort((a, b) => a.seq - b.seq)) {
      if (state.truncated) break;
      if (state.lines + 1 >= ctx.caps.maxLines || state.chars + line.line.length > ctx.caps.maxChars) {
        kept.push({ ...line, stream: 'status', line: truncationNotice(ctx.caps) });
        state.truncated = true;
      } else kept.push(line);
      state.lines++;
      state.chars += kept[kept.length - 1]!.line.length;
    }
    return kept;
  }

  async function flush(commandId: string, state: CommandState) {
    state.scheduled = false;
    if (state.pending.length === 0) return;
    try {
      if (!state.loaded) await load(commandId, state);
      const batch = state.pending.splice(0);
      state.queued = 0;
      if (!state.valid) {
        log.debug({ commandId, agentId: state.agentId }, 'progress for a command this agent does not have');
        states.delete(commandId);
        return;
      }
      const wasTruncated = state.truncated;
      const kept = fit(state, batch);
      if (kept.length === 0) return;
      await ctx.db.commandOutput.append(commandId, kept);
      const percent = batch.findLast((l) => l.percent !== null)?.percent;
      ctx.bus?.emit('command.output', state.agentId, {
        commandId,
        lines: kept.map((l) => ({ seq: l.seq, stream: l.stream, line: l.line, ts: l.ts.toISOString() })),
        ...(percent === undefined || percent === null ? {} : { percent }),
        ...(state.truncated && !wasTruncated ? { truncated: true } : {}),
      });
    } catch (err) {
      log.error({ err, commandId, agentId: state.agentId }, 'could not store command output');
    }
  }

  const enqueue = (commandId: string, state: CommandState) => {
    state.chain = state.chain.then(() => flush(commandId, state));
    return state.chain;
  };

  return {
    /** One `progress` message; returns at once, the write follows within the turn. */
    add(agentId: string, progress: ProgressMessage): void {
      let state = states.get(progress.commandId);
      if (!state) {
        state = {
          agentId,
          pending: [],
          lines: 0,
          chars: 0,
          queued: 0,
          truncated: false,
          loaded: false,
          valid: true,
          scheduled: false,
          chain: Promise.resolve(),
        };
        states.set(progress.commandId, state);
      }
      // Past the cap nothing is kept; waiting lines are bounded by it as well.
      if (state.agentId !== agentId || state.truncated || state.lines + state.queued >= ctx.caps.maxLines)
        return;
      state.queued++;
      state.pending.push({
        seq: progress.seq,
        stream: progress.stream,
        line: progress.line,
        percent: progress.percent ?? null,
        ts: new Date(progress.ts),
      });
      if (!state.scheduled) {
        state.scheduled = true;
        const commandId = progress.commandId;
        const s = state;
        setImmediate(() => void enqueue(commandId, s));
      }
    },

    /** Before a command's final status: its lines are stored and streamed first; then it is forgotten. */
    async settle(commandId: string): Promise<void> {
      const state = states.get(commandId);
      if (!state) return;
      await enqueue(commandId, state);
      states.delete(commandId);
    },

    /** Everything waiting is written (shutdown). */
    async drain(): Promise<void> {
      await Promise.all([...states].map(([id, state]) => enqueue(id, state)));
    },
  };
}

export type CommandOutput = ReturnType<typeof createCommandOutput>;
