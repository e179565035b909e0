import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandJournal } from '../../../agent/state/journal.js';
import { StorageHealth } from '../../../agent/state/storage-health.js';
import { requireSmallDisks, SmallDisk } from '../../faults/helpers/small-disk.js';
import { tempDir } from '../../helpers/cli.js';

const base = (id: string, expiresAt = new Date(Date.now() + 3_600_000).toISOString()) => ({
  id,
  type: 'install' as const,
  hash: 'h',
  receivedAt: new Date().toISOString(),
  expiresAt,
  ack: { accepted: true },
});

describe('agent command journal', () => {
  let dir: { path: string; remove(): void };
  beforeEach(() => (dir = tempDir('rf-journal-')));
  afterEach(() => dir.remove());

  it('remembers every id across a reopen, and which ones never finished', async () => {
    const path = join(dir.path, 'journal.jsonl');
    const journal = await CommandJournal.open(path);
    await journal.recordAck(base('a'));
    await journal.recordAck(base('b'));
    await journal.recordFinished('a', { status: 'succeeded', resultId: 'ra', at: new Date().toISOString() });
    const again = await CommandJournal.open(path);
    assert.ok(again.has('a') && again.has('b'));
    assert.equal(again.get('a')?.finished?.status, 'succeeded');
    assert.deepEqual(
      again.unfinished().map((r) => r.id),
      ['b'],
    );
  });

  it('ignores a line torn by a crash mid-write', async () => {
    const path = join(dir.path, 'journal.jsonl');
    const journal = await CommandJournal.open(path);
    await journal.recordAck(base('a'));
    appendFileSync(path, '{"t":"ack","r":{"id":"b","ty');
    const again = await CommandJournal.open(path);
    assert.ok(again.has('a'));
    assert.ok(!again.has('b'));
    // The torn tail was cut off: the next record is not glued onto it and lost.
    await again.recordAck(base('c'));
    const third = await CommandJournal.open(path);
    assert.ok(third.has('a') && third.has('c'));
    assert.ok(readFileSync(path, 'utf8').endsWith('\n'));
  });

  it('keeps the record an older agent appended onto a torn line', async () => {
    const path = join(dir.path, 'journal.jsonl');
    const good = JSON.stringify({ t: 'ack', r: base('c') });
    writeFileSync(path, `{"t":"ack","r":{"id":"b","ty${good}\n`);
    const journal = await CommandJournal.open(path);
    assert.ok(journal.has('c'));
    assert.ok(!journal.has('b'));
  });

  it('forgets finished commands a month after they expired, keeps the rest', async () => {
    const path = join(dir.path, 'journal.jsonl');
    const journal = await CommandJournal.open(path);
    const longAgo = new Date(Date.now() - 40 * 24 * 3_600_000).toISOString();
    await journal.recordAck(base('old', longAgo));
    await journal.recordFinished('old', { status: 'succeeded', resultId: 'r', at: longAgo });
    await journal.recordAck(base('old-but-unfinished', longAgo));
    await journal.recordAck(base('fresh'));
    const again = await CommandJournal.open(path);
    assert.ok(!again.has('old'));
    assert.ok(again.has('old-but-unfinished') && again.has('fresh'));
    assert.ok(!readFileSync(path, 'utf8').includes('"old"'), 'the file was compacted');
  });
});

describe('agent command journal on a full disk (real tmpfs, issue 25 §1)', function () {
  requireSmallDisks(this);
  let disk: SmallDisk | null = null;
  afterEach(() => {
    disk?.unmount();
    disk = null;
  });

  it('a record that does not fit is refused whole; every record it accepted reads back', async () => {
    disk = SmallDisk.mount(64);
    const path = join(disk.path, 'journal.jsonl');
    const health = new StorageHealth();
    const journal = await CommandJournal.open(path, { health });
    for (const id of ['first', 'second', 'third']) await journal.recordAck(base(id));
    disk.fill();
    // The journal's last page still has room for a few records, then a write comes up short.
    const accepted: string[] = [];
    let refusal: NodeJS.ErrnoException | null = null;
    for (let i = 0; i < 100 && !refusal; i++) {
      const id = `cmd-${i}-${'x'.repeat(i % 7)}`;
      await journal.recordAck(base(id)).then(
        () => accepted.push(id),
        (err: NodeJS.ErrnoException) => (refusal = err),
      );
    }
    assert.equal((refusal as NodeJS.ErrnoException | null)?.code, 'ENOSPC');
    const text = readFileSync(path, 'utf8');
    assert.ok(text.endsWith('\n'), 'no torn record on disk');
    for (const line of text.trim().split('\n')) JSON.parse(line);
    assert.equal(health.problem?.what, 'journal');

    const reread = await CommandJournal.open(path);
    for (const id of ['first', 'second', 'third', ...accepted]) assert.ok(reread.has(id), `${id} is known`);

    disk.free();
    await journal.recordAck(base('after'));
    assert.equal(health.problem, null, 'a write that works again clears the problem');
    const again = await CommandJournal.open(path);
    for (const id of ['first', 'third', ...accepted, 'after']) assert.ok(again.has(id), `${id} is known`);
  });
});
