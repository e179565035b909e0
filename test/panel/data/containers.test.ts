import assert from 'node:assert/strict';
import type { HostContainer, PackageStatus } from '../../../panel/src/data/api-types.js';
import {
  actionOf,
  containerFilterOf,
  containerQueryOf,
  stateOf,
} from '../../../panel/src/data/containers.js';

const container = (update: PackageStatus | null, more: Partial<HostContainer> = {}): HostContainer => ({
  agentId: 'a',
  hostname: 'media-01',
  id: 'ab'.repeat(32),
  name: 'jellyfin',
  reference: 'docker.io/jellyfin/jellyfin:latest',
  image: 'docker.io/jellyfin/jellyfin',
  tag: 'latest',
  imageId: null,
  localDigests: [],
  remoteDigest: null,
  checkStatus: update ? 'update_available' : 'up_to_date',
  checkReason: null,
  state: 'running',
  health: null,
  composeProject: null,
  composeService: null,
  platform: null,
  firstSeenAt: '2026-12-07T00:00:00Z',
  changedAt: '2026-12-07T00:00:00Z',
  update: update
    ? {
        id: '7',
        plugin: 'docker',
        name: 'docker.io/jellyfin/jellyfin:latest',
        arch: '',
        status: update,
        currentVersion: null,
        availableVersion: null,
      }
    : null,
  ...more,
});

describe('panel data: containers', () => {
  it('offers Update for a pending or failed image update, Review for a waiting dry run, else its status', () => {
    assert.deepEqual(actionOf(container('pending')), { kind: 'update' });
    assert.deepEqual(actionOf(container('failed')), { kind: 'update' });
    assert.deepEqual(actionOf(container('pending_dependencies')), { kind: 'review' });
    assert.deepEqual(actionOf(container('checking_dependencies')), {
      kind: 'status',
      label: 'checking dependencies',
    });
    assert.deepEqual(actionOf(container('resolved')), { kind: 'none' });
    assert.deepEqual(actionOf(container(null)), { kind: 'none' });
  });

  it('reads the filter from the address and writes it back, ignoring statuses it does not know', () => {
    const f = containerFilterOf(new URLSearchParams('agent=a,b&status=update_available,bogus&q=jelly'));
    assert.deepEqual(f, { agent: ['a', 'b'], status: ['update_available'], q: 'jelly' });
    assert.deepEqual(containerQueryOf(f), { agent: 'a,b', status: 'update_available', q: 'jelly' });
    assert.deepEqual(containerFilterOf(new URLSearchParams('')), {});
  });

  it('shows health beside the state when there is a health check', () => {
    assert.equal(stateOf(container(null, { health: 'unhealthy' })), 'running (unhealthy)');
    assert.equal(stateOf(container(null)), 'running');
  });
});
