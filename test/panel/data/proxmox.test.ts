import assert from 'node:assert/strict';
import {
  actionProgressOf,
  describeProgress,
  proxmoxNodePath,
  routeParam,
} from '../../../panel/src/data/proxmox.js';

describe('panel data: the Proxmox plugin', () => {
  it("reads a group action's progress from plugin.progress, and nothing else", () => {
    const progress = { scope: 'node', target: 'home/pve1', type: 'scan', total: 3, finished: 1, byStatus: { succeeded: 1, sent: 2 }, done: false }; // prettier-ignore
    assert.deepEqual(
      actionProgressOf({ kind: 'plugin.progress', data: { plugin: 'proxmox', subject: 'action', id: 'a1', progress } }),
      { id: 'a1', progress: { total: 3, finished: 1, byStatus: { succeeded: 1, sent: 2 }, done: false, type: 'scan' } },
    ); // prettier-ignore
    assert.equal(
      actionProgressOf({
        kind: 'plugin.progress',
        data: { plugin: 'docker', subject: 'action', id: 'a1', progress },
      }),
      null,
      "another plugin's progress",
    );
    assert.equal(actionProgressOf({ kind: 'command.status', data: {} }), null);
    assert.equal(
      actionProgressOf({
        kind: 'plugin.progress',
        data: { plugin: 'proxmox', subject: 'action', id: 'a1', progress: {} },
      }),
      null,
      'a progress without counts',
    );
  });

  it('says a progress as one sentence, statuses in words', () => {
    assert.equal(
      describeProgress({ total: 3, finished: 1, byStatus: { pending_dependencies: 1, updated: 1, installing: 1 }, done: false }),
      '1 of 3 finished: 1 installing, 1 pending dependencies, 1 updated',
    ); // prettier-ignore
    assert.equal(describeProgress({ total: 0, finished: 0, byStatus: {}, done: true }), '0 of 0 finished');
  });

  it("writes a node view's address and reads its parameters back", () => {
    const path = proxmoxNodePath('home lab', 'pve/1');
    assert.equal(path, '/hosts/proxmox/home%20lab/pve%2F1');
    const [, , , endpoint, node] = path.split('/');
    assert.deepEqual([routeParam(endpoint), routeParam(node)], ['home lab', 'pve/1']);
    assert.equal(routeParam('%E0%A4%A'), '%E0%A4%A', 'a malformed escape stays as written');
    assert.equal(routeParam(undefined), '');
  });
});
