import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { CommandRejectReason, CommandType, ResultStatus } from '../../broker/protocol/index.js';
import { writeFileAtomic } from '../files/atomic.js';

export interface JournalAck {
  accepted: boolean;
  reason?: CommandRejectReason;
  detail?: string;
}

/** What the agent did with one verified command id. */
export interface JournalRecord {
  id: string;
  type: CommandType;
  /** SHA-256 of the signed fields: a re-delivery is the same command only if this matches. */
  hash: string;
  receivedAt: string;
  expiresAt: string;
  /** The answer given, repeated to every re-delivery (docs/protocol.md "Exactly once on the host"). */
  ack: JournalAck;
  finished?: { status: ResultStatus; resultId: string; at: string };
  /** A `cancel` named this id before it arrived: it is refused whenever it comes (the core withdrew it). */
  withdrawnBy?: string;
}

type Line =
  | { t: 'ack'; r: Omit<JournalRecord, 'finished'> }
  | { t: 'done'; id: string; f: NonNullable<JournalRecord['finished']> };

// Long past any command's expiry: by then a re-delivery is refused as expired anyway.
const KEEP_AFTER_EXPIRY_MS = 30 * 24 * 3600 * 1000;

/**
 * The on-disk journal of commands this agent verified (DESIGN.md §3.6): an id is written, and
 * fsynced, before the command is acknowledged or run, so no id ever runs twice, across
 * restarts too. One JSON line per change, appended; a torn last line (a crash mid-write) is
 * ignored. Only commands whose signature verified are journalled, so a forger cannot burn ids.
 */
export class CommandJournal {
  private readonly records = new Map<string, JournalRecord>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(private readonly path: string) {}

  static async open(path: string, nowMs = Date.now()): Promise<CommandJournal> {
    const journal = new CommandJournal(path);
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let lines = 0;
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      lines++;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue;
      }
      if (line.t === 'ack') journal.records.set(line.r.id, { ...line.r });
      else if (line.t === 'done') {
        const record = journal.records.get(line.id);
        if (record) record.finished = line.f;
      }
    }
    let pruned = false;
    for (const [id, record] of journal.records) {
      const settled = record.finished !== undefined || !record.ack.accepted;
      if (settled && Date.parse(record.expiresAt) + KEEP_AFTER_EXPIRY_MS < nowMs) {
        journal.records.delete(id);
        pruned = true;
      }
    }
    if (pruned || lines > journal.records.size * 2 + 100) await journal.rewrite();
    return journal;
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  get(id: string): JournalRecord | undefined {
    return this.records.get(id);
  }

  /** Commands accepted but never finished: the agent stopped while they ran. */
  unfinished(): JournalRecord[] {
    return [...this.records.values()].filter((r) => r.ack.accepted && !r.finished);
  }

  /** Durable before it resolves: call before sending the ack. */
  recordAck(record: Omit<JournalRecord, 'finished'>): Promise<void> {
    this.records.set(record.id, { ...record });
    return this.append({ t: 'ack', r: record });
  }

  recordFinished(id: string, finished: NonNullable<JournalRecord['finished']>): Promise<void> {
    const record = this.records.get(id);
    if (record) record.finished = finished;
    return this.append({ t: 'done', id, f: finished });
  }

  private append(line: Line): Promise<void> {
    const run = this.queue.then(async () => {
      const handle = await open(
        this.path,
        constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
        0o600,
      );
      try {
        await handle.write(`${JSON.stringify(line)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private async rewrite(): Promise<void> {
    const lines: string[] = [];
    for (const record of this.records.values()) {
      const { finished, ...rest } = record;
      lines.push(JSON.stringify({ t: 'ack', r: rest } satisfies Line));
      if (finished) lines.push(JSON.stringify({ t: 'done', id: record.id, f: finished } satisfies Line));
    }
    await writeFileAtomic(this.path, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
  }
}
