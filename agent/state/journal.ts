import { constants } from 'node:fs';
import { open, readFile, truncate } from 'node:fs/promises';
import type { CommandRejectReason, CommandType, ResultStatus } from '../../broker/protocol/index.js';
import { writeFileAtomic } from '../files/atomic.js';
import type { StorageHealth } from './storage-health.js';

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
 * restarts too. One JSON line per change, appended. The file is always a sequence of whole
 * records (issue 25 §1): a write that fails or comes up short (a full disk) is cut off again
 * and rejects, so nothing is acknowledged on a torn record; a torn tail left by a crash is cut
 * off on open and before every append. Only commands whose signature verified are journalled,
 * so a forger cannot burn ids.
 */
export class CommandJournal {
  private readonly records = new Map<string, JournalRecord>();
  private queue: Promise<unknown> = Promise.resolve();
  /** Bytes of whole records on disk: where the next record goes. */
  private size = 0;

  private constructor(
    private readonly path: string,
    private readonly health?: StorageHealth,
  ) {}

  static async open(
    path: string,
    opts: { nowMs?: number; health?: StorageHealth } = {},
  ): Promise<CommandJournal> {
    const journal = new CommandJournal(path, opts.health);
    let data = Buffer.alloc(0);
    try {
      data = await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // Everything after the last newline is a record that was never completed, so never acknowledged.
    journal.size = data.lastIndexOf(0x0a) + 1;
    let lines = 0;
    let damaged = false;
    for (const raw of data.subarray(0, journal.size).toString('utf8').split('\n')) {
      if (!raw.trim()) continue;
      lines++;
      const line = parseLine(raw);
      if (!line) {
        damaged = true;
        continue;
      }
      if (line.t === 'ack') journal.records.set(line.r.id, { ...line.r });
      else if (line.t === 'done') {
        const record = journal.records.get(line.id);
        if (record) record.finished = line.f;
      }
    }
    if (journal.size < data.length) await truncate(path, journal.size);
    let pruned = false;
    for (const [id, record] of journal.records) {
      const settled = record.finished !== undefined || !record.ack.accepted;
      if (settled && Date.parse(record.expiresAt) + KEEP_AFTER_EXPIRY_MS < (opts.nowMs ?? Date.now())) {
        journal.records.delete(id);
        pruned = true;
      }
    }
    if (pruned || damaged || lines > journal.records.size * 2 + 100)
      // Best effort: a journal that cannot be compacted now (a full disk) still reads right.
      await journal.rewrite().catch((err: unknown) => opts.health?.failed('journal', err));
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

  /**
   * Durable before it resolves: call before sending the ack. Rejects when the record could not
   * be written whole (the id is then not taken: the command must be refused, not run).
   */
  async recordAck(record: Omit<JournalRecord, 'finished'>): Promise<void> {
    await this.append({ t: 'ack', r: record });
    this.records.set(record.id, { ...record });
  }

  recordFinished(id: string, finished: NonNullable<JournalRecord['finished']>): Promise<void> {
    const record = this.records.get(id);
    if (record) record.finished = finished;
    return this.append({ t: 'done', id, f: finished });
  }

  private append(line: Line): Promise<void> {
    const run = this.queue.then(async () => {
      try {
        await this.appendWhole(Buffer.from(`${JSON.stringify(line)}\n`));
      } catch (err) {
        this.health?.failed('journal', err);
        throw err;
      }
      this.health?.succeeded('journal');
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private async appendWhole(data: Buffer): Promise<void> {
    const handle = await open(this.path, constants.O_WRONLY | constants.O_CREAT, 0o600);
    try {
      // A tail an earlier failure could not cut off is cut now: records are only ever whole.
      if ((await handle.stat()).size !== this.size) await handle.truncate(this.size);
      try {
        // One write() may write only part of it (a full disk): go on until all of it is written or one fails.
        for (let written = 0; written < data.length;) {
          const { bytesWritten } = await handle.write(
            data,
            written,
            data.length - written,
            this.size + written,
          );
          if (bytesWritten === 0)
            throw Object.assign(new Error('no space left on device, write'), { code: 'ENOSPC' });
          written += bytesWritten;
        }
        await handle.sync();
      } catch (err) {
        await handle.truncate(this.size).catch(() => {}); // else the next append or open cuts it
        throw err;
      }
      this.size += data.length;
    } finally {
      await handle.close().catch(() => {});
    }
  }

  private async rewrite(): Promise<void> {
    const lines: string[] = [];
    for (const record of this.records.values()) {
      const { finished, ...rest } = record;
      lines.push(JSON.stringify({ t: 'ack', r: rest } satisfies Line));
      if (finished) lines.push(JSON.stringify({ t: 'done', id: record.id, f: finished } satisfies Line));
    }
    const text = lines.length ? `${lines.join('\n')}\n` : '';
    await writeFileAtomic(this.path, text, { mode: 0o600 });
    this.size = Buffer.byteLength(text);
  }
}

/**
 * One journal line. A line an older agent tore (its write came up short and the next record was
 * appended onto it) still yields the record glued to its end.
 */
function parseLine(raw: string): Line | null {
  for (let at = 0; at !== -1; at = raw.indexOf('{"t":', at + 1)) {
    try {
      const line = JSON.parse(raw.slice(at)) as Line;
      if (line && (line.t === 'ack' || line.t === 'done')) return line;
    } catch {
      // torn: try the next record start in this line
    }
  }
  return null;
}
