import assert from 'node:assert/strict';
import type { PackageStatus, PackageUpdate } from '../../../panel/src/data/api-types.js';
import type { LiveEvent } from '../../../panel/src/data/live-client.js';
import { applyLiveEvent } from '../../../panel/src/data/update-live.js';
import { viewFromQuery } from '../../../panel/src/data/update-view.js';

const row = (id: string, name: string, status: PackageUpdate['status'], agentId = 'a1'): PackageUpdate => ({
  id,
  agentId,
  hostname: 'host-1',
  plugin: 'apt',
  name,
  arch: 'amd64',
  currentVersion: '1',
  availableVersion: '2',
  severity: 'high',
  security: false,
  status,
});

const moved = (
  status: PackageStatus,
  names: string[],
  count = names.length,
  agentId = 'a1',
  plugin = 'apt',
): LiveEvent => ({
  id: 1,
  ts: '2026-12-01T10:00:00.000Z',
  kind: 'package.status',
  agentId,
  data: { plugin, status, count, packages: names.map((name) => ({ name, arch: 'amd64' })) },
});

const rows = [row('1', 'curl', 'pending'), row('2', 'openssl', 'pending'), row('3', 'bash', 'pending', 'a2')];
const view = (qs: string) => viewFromQuery(new URLSearchParams(qs));

describe('panel data: live events on the updates table', () => {
  it('patches the rows that moved in place and reads nothing when every mover is shown and still matches', () => {
    const change = applyLiveEvent(view(''), rows, moved('approved', ['curl', 'openssl']));
    assert.deepEqual(
      change.rows.map((r) => r.status),
      ['approved', 'approved', 'pending'],
    );
    assert.equal(change.rows[0]!.statusChangedAt, '2026-12-01T10:00:00.000Z');
    assert.equal(change.rows[2], rows[2], 'other rows are the same objects (Lit redraws nothing there)');
    assert.deepEqual([change.reload, change.recount], [false, false]);
  });

  it('reads the page again when rows leave the filter, or may enter it', () => {
    const leaving = applyLiveEvent(view(''), rows, moved('updated', ['curl']));
    assert.equal(leaving.rows[0]!.status, 'updated', 'shown as updated until the page is read again');
    assert.deepEqual([leaving.reload, leaving.recount], [true, true]);
    // Into "failed" from elsewhere: packages not on screen may now belong.
    const entering = applyLiveEvent(view('status=failed'), [], moved('failed', ['zsh']));
    assert.deepEqual([entering.reload, entering.recount], [true, true]);
    // Out of the filter, none of them shown: this page is as it was, only the count changes.
    const elsewhere = applyLiveEvent(view(''), rows, moved('updated', ['vim']));
    assert.deepEqual([elsewhere.reload, elsewhere.recount], [false, true]);
  });

  it('reads again when the event does not name every package that moved', () => {
    const change = applyLiveEvent(view('status=any'), rows, moved('approved', ['curl'], 80));
    assert.equal(change.rows[0]!.status, 'approved');
    assert.deepEqual([change.reload, change.recount], [true, false]);
    // Another host of which nothing is shown, every state listed: nothing to do.
    const other = applyLiveEvent(view('status=any'), rows.slice(0, 2), moved('approved', ['x'], 80, 'a9'));
    assert.deepEqual([other.reload, other.recount], [false, false]);
  });

  it('ignores events about hosts and package managers the filter leaves out', () => {
    for (const e of [moved('approved', ['curl'], 1, 'a2'), moved('approved', ['curl'], 1, 'a1', 'dnf')]) {
      const change = applyLiveEvent(view('agent=a1&plugin=apt'), rows, e);
      assert.equal(change.rows, rows, 'untouched');
      assert.deepEqual([change.reload, change.recount], [false, false]);
    }
  });

  it('reads again after a scan that changed something, not after one that changed nothing', () => {
    const scan = (discovered: number, agentId = 'a1'): LiveEvent => ({
      id: 2,
      ts: '',
      kind: 'scan.ingested',
      agentId,
      data: {
        plugin: 'apt',
        batchId: 'b1',
        complete: true,
        packageCount: 3,
        discovered,
        changed: 0,
        resolved: 0,
        error: null,
      },
    });
    assert.equal(applyLiveEvent(view(''), rows, scan(3)).reload, true);
    assert.equal(applyLiveEvent(view(''), rows, scan(0)).reload, false);
    assert.equal(applyLiveEvent(view('agent=a1'), rows, scan(3, 'a2')).reload, false);
    const policy: LiveEvent = {
      id: 3,
      ts: '',
      kind: 'packages.changed',
      agentId: null,
      data: { reason: 'hold', count: 2 },
    };
    assert.deepEqual(applyLiveEvent(view(''), rows, policy), { rows, reload: true, recount: true });
    const other: LiveEvent = {
      id: 4,
      ts: '',
      kind: 'command.output',
      agentId: 'a1',
      data: { commandId: 'c1', lines: [] },
    };
    assert.deepEqual(applyLiveEvent(view(''), rows, other), { rows, reload: false, recount: false });
  });
});
