import assert from 'node:assert/strict';
import type { PackageUpdate } from '../../../panel/src/data/api-types.js';
import { dockerImageOf, shortDigest } from '../../../panel/src/data/docker.js';

const record = (metadata: Record<string, unknown>, more: Partial<PackageUpdate> = {}): PackageUpdate => ({
  id: '1',
  agentId: 'a',
  hostname: 'host-1',
  plugin: 'docker',
  name: 'jellyfin',
  arch: 'linux/amd64',
  currentVersion: '10.10.2',
  availableVersion: '10.10.3',
  severity: 'unknown',
  security: false,
  status: 'pending',
  metadata,
  ...more,
});

const LOCAL = `sha256:6a1e9c4c5b0d${'1'.repeat(52)}`;
const REMOTE = `sha256:0f1e2d3c4b5a${'2'.repeat(52)}`;

describe('panel data: Docker image records', () => {
  it('reads the fields the core keeps in metadata: image:tag, short container ids, digests, platform', () => {
    const image = dockerImageOf(
      record({
        image: 'jellyfin/jellyfin',
        tag: 'latest',
        containerIds: ['0c2f6a9e1b7d4e3f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f'],
        localDigests: [LOCAL],
        remoteDigest: REMOTE,
        platform: 'linux/amd64',
      }),
    );
    assert.equal(image.reference, 'jellyfin/jellyfin:latest');
    assert.deepEqual(image.containers, ['0c2f6a9e1b7d']);
    assert.deepEqual(image.localDigests, [LOCAL]);
    assert.equal(image.remoteDigest, REMOTE);
    assert.equal(image.platform, 'linux/amd64');
    assert.equal(image.changed, true, 'the registry has another image');
    assert.equal(shortDigest(LOCAL), 'sha256:6a1e9c4c5b0d');
  });

  it('falls back to the package name and the older `containers` names; the same digest is no change', () => {
    const image = dockerImageOf(
      record({ containers: ['proxy'], localDigests: [REMOTE], remoteDigest: REMOTE }),
    );
    assert.equal(image.reference, 'jellyfin');
    assert.deepEqual(image.containers, ['proxy']);
    assert.equal(image.changed, false);
    assert.equal(dockerImageOf(record({})).platform, null);
  });
});
