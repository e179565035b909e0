import assert from 'node:assert/strict';
import type { Command } from '../../../panel/src/data/api-types.js';
import {
  applyStatus,
  canCancel,
  cannotStopSafely,
  canRetry,
  commandTimeline,
  describeCommand,
  mergeCommands,
  retryRole,
  upsertCommand,
} from '../../../panel/src/data/commands.js';

const cmd = (
  id: string,
  createdAt: string,
  status: Command['status'] = 'pending',
  more: Partial<Command> = {},
): Command => ({
  id,
  agentId: 'agent-1',
  type: 'scan',
  status,
  createdAt,
  ...more,
});
const ids = (list: readonly Command[]) => list.map((c) => c.id);

describe('panel data: the commands list', () => {
  it('puts a new command in its place, newest first', () => {
    const list = [cmd('b', '2026-12-01T10:02:00Z'), cmd('a', '2026-12-01T10:00:00Z')];
    assert.deepEqual(ids(upsertCommand(list, cmd('c', '2026-12-01T10:03:00Z'))), ['c', 'b', 'a']);
    assert.deepEqual(ids(upsertCommand(list, cmd('m', '2026-12-01T10:01:00Z'))), ['b', 'm', 'a']);
  });

  it('replaces a known command unless the one shown is further along', () => {
    const running = [cmd('a', '2026-12-01T10:00:00Z', 'running')];
    const done = upsertCommand(running, cmd('a', '2026-12-01T10:00:00Z', 'succeeded'));
    assert.equal(done[0]!.status, 'succeeded');
    // A read that left before the last live status came back after it.
    assert.equal(upsertCommand(done, cmd('a', '2026-12-01T10:00:00Z', 'running')), done);
  });

  it('merges the active commands into a page of the history without doubles', () => {
    const page = [cmd('c', '2026-12-01T10:03:00Z', 'running'), cmd('b', '2026-12-01T10:02:00Z', 'failed')];
    const active = [
      cmd('old', '2026-11-30T08:00:00Z', 'pending'),
      cmd('c', '2026-12-01T10:03:00Z', 'running'),
    ];
    assert.deepEqual(ids(mergeCommands(page, active)), ['c', 'b', 'old']);
  });

  it('applies a live status to a known command at once, and says when it does not know it', () => {
    const list = [cmd('a', '2026-12-01T10:00:00Z', 'sent')];
    const moved = applyStatus(list, { commandId: 'a', status: 'failed', error: 'boom' })!;
    assert.equal(moved[0]!.status, 'failed');
    assert.equal(moved[0]!.error, 'boom');
    assert.equal(applyStatus(moved, { commandId: 'a', status: 'running' }), moved, 'never backwards');
    assert.equal(applyStatus(list, { commandId: 'zzz', status: 'sent' }), null);
  });

  it('offers retry for failed, timed-out, cancelled and rejected commands, cancel until it finishes', () => {
    for (const s of ['failed', 'timed_out', 'cancelled', 'rejected'] as const)
      assert.ok(canRetry({ status: s }), s);
    for (const s of ['pending', 'sent', 'running', 'succeeded'] as const)
      assert.ok(!canRetry({ status: s }), s);
    // issue 21 §6: a running command can be cancelled too; its agent decides.
    for (const s of ['pending', 'sent', 'acknowledged', 'running'] as const)
      assert.ok(canCancel({ status: s }), s);
    for (const s of ['succeeded', 'failed', 'cancelled'] as const) assert.ok(!canCancel({ status: s }), s);
  });

  it('tells a cancel the agent could not do safely from other failed cancels', () => {
    const target = '0f0e8c52-6f3c-4b8e-9d1a-2b7c3d4e5f60';
    const refused = {
      type: 'cancel',
      status: 'failed' as const,
      params: { commandId: target },
      result: { data: { cancelled: false, commandId: target, code: 'cannot_stop_safely' } },
    };
    assert.equal(cannotStopSafely(refused), target);
    assert.equal(cannotStopSafely({ ...refused, result: { data: { state: 'finished' } } }), null);
    assert.equal(cannotStopSafely({ ...refused, type: 'install' }), null);
    assert.equal(retryRole({ type: 'scan' }), 'operator');
    assert.equal(retryRole({ type: 'update_agent' }), 'admin', 'changing the agent itself is for admins');
    assert.equal(retryRole({ type: 'set_config' }), 'admin');
  });

  it('lists the moments a command reached, in order', () => {
    const c = cmd('a', '2026-12-01T10:00:00Z', 'timed_out', {
      sentAt: '2026-12-01T10:00:01Z',
      acknowledgedAt: null,
      finishedAt: '2026-12-01T11:00:00Z',
    });
    assert.deepEqual(
      commandTimeline(c).map((s) => s.label),
      ['created', 'sent', 'timed out'],
    );
  });

  it('says what a command does in a few words', () => {
    assert.equal(describeCommand({ type: 'scan', params: { plugin: 'apt' } }), 'scan apt');
    assert.equal(
      describeCommand({
        type: 'dry_run',
        params: { plugin: 'apt', packages: [{ name: 'curl' }, { name: 'bash' }] },
      }),
      'dry run 2 packages (apt)',
    );
    assert.equal(describeCommand({ type: 'update_agent', params: {} }), 'update agent');
    assert.equal(
      describeCommand({ type: 'restart_container', params: { container: 'proxy' } }),
      'restart container proxy',
    );
  });
});
