import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventMessage, ResultMessage, ScanMessage, SpooledUpType } from '../../broker/protocol/index.js';
import { fsyncDir, isAtomicTemp, writeFileAtomic } from '../files/atomic.js';
import type { StorageHealth } from './storage-health.js';

export type SpooledMessage = ScanMessage | ResultMessage | EventMessage;

export interface SpoolEntry {
  /** Position in the spool: messages go out in this order. */
  seq: number;
  type: SpooledUpType;
  /** The message id the core's receipt names (`ackOf`). */
  id: string;
  bytes: number;
  file: string;
  /** Scans only: which plugin, and whether it was complete (only a complete scan supersedes). */
  plugin?: string;
  complete?: boolean;
  /**
   * The message itself, when it could not be written (a full disk, issue 25 §2): kept in memory
   * and sent while connected until its receipt; written out once the disk takes writes again.
   */
  held?: SpooledMessage;
}

export interface AppendOutcome {
  entry: SpoolEntry;
  /** Older scans of the same plugin this complete scan replaced. */
  superseded: SpoolEntry[];
  /** Messages dropped to stay under the size cap (an `agent.spool` event says so). */
  evicted: SpoolEntry[];
}

// <seq>.<type>.<id>[.<plugin>.<c|i>].json — the index is rebuilt from names alone, so opening a
// spool of large scans reads no file contents.
const NAME_RE = /^(\d{12})\.(scan|result|event)\.([0-9a-f-]{36})(?:\.([a-z][a-z0-9-]{0,63})\.([ci]))?\.json$/;
// Eviction order when over the cap: a scan is recomputed by the next scan, an event is history,
// a result is the one record of what a command did.
const EVICTION_ORDER: readonly SpooledUpType[] = ['scan', 'event', 'result'];
const EVICTION_LIST_MAX = 50;

/**
 * The on-disk spool of durable up messages (DESIGN.md §3.4, docs/protocol.md "Delivery"): each
 * `scan`, `result` and `event` is written and fsynced before it is sent and removed when the
 * core's receipt arrives. A newer complete scan of a plugin supersedes older unsent ones; past
 * `maxBytes` the oldest scans, then events, then results are evicted, with an event saying so.
 * A message that cannot be written (a full or broken disk) is not lost: it is held in memory,
 * counted against the same cap, sent like the rest, and written out when writes work again.
 */
export class Spool {
  private readonly entries: SpoolEntry[] = [];
  private nextSeq = 1;
  private totalBytes = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly dir: string,
    private readonly maxBytes: number,
    private readonly health?: StorageHealth,
  ) {}

  static async open(dir: string, opts: { maxBytes: number; health?: StorageHealth }): Promise<Spool> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const spool = new Spool(dir, opts.maxBytes, opts.health);
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      if (isAtomicTemp(name)) {
        await unlink(path).catch(() => {}); // a write that never completed was never sent
        continue;
      }
      const match = NAME_RE.exec(name);
      if (!match) continue;
      const [, seq, type, id, plugin, complete] = match as unknown as [
        string,
        string,
        SpooledUpType,
        string,
        string?,
        string?,
      ];
      const bytes = (await stat(path)).size;
      spool.entries.push({
        seq: Number(seq),
        type,
        id,
        bytes,
        file: name,
        ...(plugin ? { plugin, complete: complete === 'c' } : {}),
      });
      spool.totalBytes += bytes;
      spool.nextSeq = Math.max(spool.nextSeq, Number(seq) + 1);
    }
    return spool;
  }

  /** Counts of a spool directory without opening it (for `status`, while an agent may run). */
  static async stats(
    dir: string,
  ): Promise<{ messages: number; bytes: number; byType: Record<SpooledUpType, number> }> {
    const out = { messages: 0, bytes: 0, byType: { scan: 0, result: 0, event: 0 } };
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw err;
    }
    for (const name of names) {
      const match = NAME_RE.exec(name);
      if (!match) continue;
      const size = await stat(join(dir, name)).then(
        (s) => s.size,
        () => null,
      );
      if (size === null) continue; // receipted while we looked
      out.messages++;
      out.bytes += size;
      out.byType[match[2] as SpooledUpType]++;
    }
    return out;
  }

  /** Drops every message of a type (`register` drops results of the previous identity's commands). */
  removeType(type: SpooledUpType): Promise<number> {
    return this.serialized(async () => {
      const doomed = this.entries.filter((e) => e.type === type);
      for (const entry of doomed) await this.delete(entry, false);
      if (doomed.length) await fsyncDir(this.dir);
      return doomed.length;
    });
  }

  /** Ordered oldest first. */
  list(): readonly SpoolEntry[] {
    return this.entries;
  }

  get depth(): number {
    return this.entries.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Messages only in memory: the disk refused them. */
  get held(): number {
    return this.entries.filter((e) => e.held).length;
  }

  has(id: string): boolean {
    return this.entries.some((e) => e.id === id);
  }

  /** Called after every change (a new message to send, a receipt). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes the message durably; resolves once it is on disk, or held in memory when the disk refuses it. */
  append(type: SpooledUpType, message: SpooledMessage): Promise<AppendOutcome> {
    return this.serialized(async () => {
      const outcome = await this.write(type, message);
      if (this.totalBytes > this.maxBytes) {
        outcome.evicted = await this.evict(outcome.entry);
        if (outcome.evicted.length) await this.write('event', evictionEvent(outcome.evicted, this.maxBytes));
      }
      this.changed();
      return outcome;
    });
  }

  /** The stored message, or null when it is gone (receipted meanwhile) or unreadable. */
  async read(entry: SpoolEntry): Promise<SpooledMessage | null> {
    if (entry.held) return structuredClone(entry.held);
    try {
      return JSON.parse(await readFile(join(this.dir, entry.file), 'utf8')) as SpooledMessage;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      // Unreadable (disk trouble, someone edited it): kept aside for a person, never re-sent.
      await this.serialized(async () => {
        await rename(join(this.dir, entry.file), join(this.dir, `${entry.file}.corrupt`)).catch(() => {});
        this.forget(entry);
      });
      return null;
    }
  }

  /** Drops a message (its receipt arrived); false when it was not spooled. */
  remove(id: string): Promise<boolean> {
    return this.serialized(async () => {
      const entry = this.entries.find((e) => e.id === id);
      if (!entry) return false;
      await this.delete(entry);
      this.changed();
      return true;
    });
  }

  private async write(type: SpooledUpType, message: SpooledMessage): Promise<AppendOutcome> {
    const seq = this.nextSeq++;
    const scan = type === 'scan' ? (message as ScanMessage) : null;
    const suffix = scan ? `.${scan.plugin}.${scan.complete ? 'c' : 'i'}` : '';
    const file = `${String(seq).padStart(12, '0')}.${type}.${message.id}${suffix}.json`;
    const data = JSON.stringify(message);
    const entry: SpoolEntry = {
      seq,
      type,
      id: message.id,
      bytes: Buffer.byteLength(data),
      file,
      ...(scan ? { plugin: scan.plugin, complete: scan.complete } : {}),
    };
    if (await this.store(file, data)) await this.writeHeld();
    else entry.held = structuredClone(message);
    // A complete scan is the whole truth about its plugin: older scans add nothing.
    const superseded = scan?.complete
      ? this.entries.filter((e) => e.type === 'scan' && e.plugin === scan.plugin)
      : [];
    this.entries.push(entry);
    this.totalBytes += entry.bytes;
    for (const old of superseded) await this.delete(old, false);
    if (superseded.length) await fsyncDir(this.dir);
    return { entry, superseded, evicted: [] };
  }

  /** Writes one file; false (and the disk problem reported) when the disk refuses it. */
  private async store(file: string, data: string): Promise<boolean> {
    try {
      await writeFileAtomic(join(this.dir, file), data, { mode: 0o600 });
    } catch (err) {
      this.health?.failed('spool', err);
      return false;
    }
    this.health?.succeeded('spool');
    return true;
  }

  /** The disk takes writes again: what was held in memory goes to disk, oldest first. */
  private async writeHeld(): Promise<void> {
    for (const entry of this.entries) {
      if (!entry.held) continue;
      if (!(await this.store(entry.file, JSON.stringify(entry.held)))) return;
      delete entry.held;
    }
  }

  private async evict(keep: SpoolEntry): Promise<SpoolEntry[]> {
    const evicted: SpoolEntry[] = [];
    for (const type of EVICTION_ORDER) {
      for (const entry of this.entries.filter((e) => e.type === type && e !== keep)) {
        if (this.totalBytes <= this.maxBytes) break;
        await this.delete(entry, false);
        evicted.push(entry);
      }
    }
    if (evicted.length) await fsyncDir(this.dir);
    return evicted;
  }

  private async delete(entry: SpoolEntry, sync = true): Promise<void> {
    if (entry.held) return this.forget(entry);
    await unlink(join(this.dir, entry.file)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    this.forget(entry);
    if (sync) await fsyncDir(this.dir);
  }

  private forget(entry: SpoolEntry): void {
    const index = this.entries.indexOf(entry);
    if (index === -1) return;
    this.entries.splice(index, 1);
    this.totalBytes -= entry.bytes;
  }

  private changed(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }
}

function evictionEvent(evicted: SpoolEntry[], maxBytes: number): EventMessage {
  const counts: Record<string, number> = {};
  for (const e of evicted) counts[e.type] = (counts[e.type] ?? 0) + 1;
  const summary = Object.entries(counts)
    .map(([type, n]) => `${n} ${type}${n === 1 ? '' : 's'}`)
    .join(', ');
  return {
    v: 1,
    id: randomUUID(),
    ts: new Date().toISOString(),
    type: 'agent.spool',
    subtype: 'evicted',
    severity: 'warning',
    message: `the agent's spool went over its ${Math.round(maxBytes / 1024 / 1024)} MiB cap while the core was unreachable: dropped the oldest ${summary}`,
    metadata: {
      maxBytes,
      counts,
      dropped: evicted
        .slice(0, EVICTION_LIST_MAX)
        .map((e) => ({ type: e.type, id: e.id, ...(e.plugin ? { plugin: e.plugin } : {}) })),
    },
  };
}
