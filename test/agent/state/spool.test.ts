import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { EventMessage, ResultMessage, ScanMessage } from '../../../broker/protocol/index.js';
import { messageSchemas } from '../../../broker/protocol/index.js';
import { Spool } from '../../../agent/state/spool.js';
import { StorageHealth } from '../../../agent/state/storage-health.js';
import { requireSmallDisks, SmallDisk } from '../../faults/helpers/small-disk.js';
import { tempDir } from '../../helpers/cli.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const validEvent = addFormats(new Ajv({ strict: true, allowUnionTypes: true })).compile(messageSchemas.event);

const MiB = 1024 * 1024;
const ts = (h: number) => new Date(Date.UTC(2026, 10, 16) + h * 3_600_000).toISOString();

function scan(plugin: string, hour: number, complete = true, filler = 0): ScanMessage {
  return {
    v: 1,
    id: randomUUID(),
    ts: ts(hour),
    batchId: randomUUID(),
    plugin,
    complete,
    startedAt: ts(hour),
    finishedAt: ts(hour),
    packages: [],
    ...(complete ? {} : { error: 'E: lock busy' }),
    ...(filler ? { holds: ['x'.repeat(filler)] } : {}),
  };
}
const result = (hour: number): ResultMessage => ({
  v: 1,
  id: randomUUID(),
  ts: ts(hour),
  commandId: randomUUID(),
  status: 'succeeded',
  startedAt: ts(hour),
  finishedAt: ts(hour),
});
const event = (hour: number, filler = 0): EventMessage => ({
  v: 1,
  id: randomUUID(),
  ts: ts(hour),
  type: 'plugin',
  severity: 'warning',
  message: 'm',
  ...(filler ? { metadata: { filler: 'y'.repeat(filler) } } : {}),
});

describe('agent spool (on disk)', () => {
  let dir: { path: string; remove(): void };
  beforeEach(() => (dir = tempDir('rf-spool-')));
  afterEach(() => dir.remove());

  it('keeps messages on disk, in order, across a reopen; a receipt removes one', async () => {
    const spool = await Spool.open(dir.path, { maxBytes: 64 * MiB });
    const messages = [scan('apt', 0), result(1), event(2)];
    for (const m of messages)
      await spool.append('type' in m ? 'event' : 'commandId' in m ? 'result' : 'scan', m);
    assert.equal(readdirSync(dir.path).length, 3);
    const reopened = await Spool.open(dir.path, { maxBytes: 64 * MiB });
    assert.deepEqual(
      reopened.list().map((e) => e.id),
      messages.map((m) => m.id),
    );
    assert.deepEqual(await reopened.read(reopened.list()[1]!), messages[1]);
    assert.equal(await reopened.remove(messages[1]!.id), true);
    assert.equal(await reopened.remove(messages[1]!.id), false);
    assert.deepEqual(
      (await Spool.open(dir.path, { maxBytes: 64 * MiB })).list().map((e) => e.id),
      [messages[0]!.id, messages[2]!.id],
    );
  });

  it('a week offline: each plugin keeps only its newest complete scan (and failures after it); results and events all stay, in order', async () => {
    const spool = await Spool.open(dir.path, { maxBytes: 64 * MiB });
    const kept: string[] = [];
    let lastApt = '';
    let lastDocker = '';
    for (let hour = 0; hour < 7 * 24; hour++) {
      const apt = scan('apt', hour);
      await spool.append('scan', apt);
      lastApt = apt.id;
      if (hour % 6 === 0) {
        const docker = scan('docker', hour);
        await spool.append('scan', docker);
        lastDocker = docker.id;
      }
      if (hour % 24 === 5) {
        const r = result(hour);
        await spool.append('result', r);
        kept.push(r.id);
      }
      if (hour % 48 === 7) {
        const e = event(hour);
        await spool.append('event', e);
        kept.push(e.id);
      }
    }
    const failedLater = scan('apt', 999, false);
    await spool.append('scan', failedLater);
    const ids = spool.list().map((e) => e.id);
    assert.deepEqual(
      ids.filter((id) => kept.includes(id)),
      kept,
      'results and events in the order they were made',
    );
    assert.deepEqual(
      spool
        .list()
        .filter((e) => e.type === 'scan')
        .map((e) => e.id),
      [lastDocker, lastApt, failedLater.id].sort((a, b) => ids.indexOf(a) - ids.indexOf(b)),
    );
    assert.equal(spool.depth, kept.length + 3);
    assert.equal(readdirSync(dir.path).length, spool.depth, 'superseded files are gone from the disk');
  });

  it('an incomplete scan supersedes nothing', async () => {
    const spool = await Spool.open(dir.path, { maxBytes: 64 * MiB });
    const good = scan('apt', 0);
    await spool.append('scan', good);
    await spool.append('scan', scan('apt', 1, false));
    assert.equal(spool.depth, 2);
    assert.equal(spool.list()[0]!.id, good.id);
  });

  it('over its cap, evicts the oldest scans, then events, then results, and says so in an event', async () => {
    const spool = await Spool.open(dir.path, { maxBytes: 1 * MiB });
    const r = result(0);
    await spool.append('result', r);
    const e = event(1, 400 * 1024);
    await spool.append('event', e);
    const s1 = scan('apt', 2, false, 400 * 1024); // failed scans: nothing supersedes them
    await spool.append('scan', s1);
    const s2 = scan('dnf', 3, false, 400 * 1024);
    const outcome = await spool.append('scan', s2);
    assert.deepEqual(
      outcome.evicted.map((x) => x.id),
      [s1.id],
      'the oldest scan goes first',
    );
    const last = spool.list().at(-1)!;
    assert.equal(last.type, 'event');
    const notice = (await spool.read(last)) as EventMessage;
    assert.ok(validEvent(notice), JSON.stringify(validEvent.errors));
    assert.deepEqual([notice.type, notice.subtype, notice.severity], ['agent.spool', 'evicted', 'warning']);
    assert.match(notice.message, /over its 1 MiB cap.*dropped the oldest 1 scan/);
    assert.deepEqual(notice.metadata?.dropped, [{ type: 'scan', id: s1.id, plugin: 'apt' }]);
    assert.ok(spool.has(r.id) && spool.has(e.id) && spool.has(s2.id));
  });

  it('drops an unfinished write and sets an unreadable file aside instead of sending it', async () => {
    writeFileSync(join(dir.path, '.000000000001.scan.x.json.abc.tmp'), '{"half');
    const spool = await Spool.open(dir.path, { maxBytes: 64 * MiB });
    assert.equal(spool.depth, 0);
    assert.deepEqual(readdirSync(dir.path), []);
    const e = event(0);
    await spool.append('event', e);
    const entry = spool.list()[0]!;
    writeFileSync(join(dir.path, entry.file), 'garbage');
    assert.equal(await spool.read(entry), null);
    assert.equal(spool.depth, 0);
    assert.deepEqual(readdirSync(dir.path), [`${entry.file}.corrupt`]);
    assert.equal(readFileSync(join(dir.path, `${entry.file}.corrupt`), 'utf8'), 'garbage');
  });

  it('counts a spool directory without opening it (status)', async () => {
    const spool = await Spool.open(dir.path, { maxBytes: 64 * MiB });
    await spool.append('scan', scan('apt', 0));
    await spool.append('event', event(1));
    const stats = await Spool.stats(dir.path);
    assert.deepEqual([stats.messages, stats.byType], [2, { scan: 1, result: 0, event: 1 }]);
    assert.equal(stats.bytes, spool.bytes);
  });
});

describe('agent spool on a full disk (real tmpfs, issue 25 §2)', function () {
  requireSmallDisks(this);
  let disk: SmallDisk | null = null;
  afterEach(() => {
    disk?.unmount();
    disk = null;
  });

  it('holds what the disk refuses in memory, hands it out like the rest, writes it out once there is room', async () => {
    disk = SmallDisk.mount(64);
    const health = new StorageHealth();
    const spool = await Spool.open(join(disk.path, 'spool'), { maxBytes: 64 * MiB, health });
    const first = result(1);
    await spool.append('result', first);
    disk.fill();
    const held = result(2);
    const outcome = await spool.append('result', held);
    assert.equal(outcome.entry.held !== undefined, true, 'held in memory');
    assert.equal(health.problem?.code, 'ENOSPC');
    assert.deepEqual(
      spool.list().map((e) => e.id),
      [first.id, held.id],
    );
    assert.equal((await spool.read(outcome.entry))?.id, held.id);
    assert.equal(spool.held, 1);

    disk.free();
    const later = event(3);
    await spool.append('event', later);
    assert.equal(health.problem, null);
    assert.equal(spool.held, 0, 'written out');
    const reopened = await Spool.open(join(disk.path, 'spool'), { maxBytes: 64 * MiB });
    assert.deepEqual(
      reopened.list().map((e) => e.id),
      [first.id, held.id, later.id],
    );
  });
});
