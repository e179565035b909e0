import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandJournal } from '../../../agent/state/journal.js';
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
