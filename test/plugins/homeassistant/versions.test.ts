import assert from 'node:assert/strict';
import type { FleetPackage } from '../../../plugins/sdk/index.js';
import { containerVersions, osVersions, summaryOf } from '../../../plugins/homeassistant/versions.js';

const pkg = (name: string, fields: Partial<FleetPackage> = {}): FleetPackage => ({
  agentId: 'a',
  plugin: 'apt',
  name,
  arch: 'amd64',
  currentVersion: '1.0',
  availableVersion: '1.1',
  severity: 'medium',
  security: false,
  status: 'pending',
  statusChangedAt: '2026-12-07T00:00:00Z',
  source: null,
  metadata: {},
  ...fields,
});

/** Issue 26 §1: Home Assistant's version semantics for an update entity. */
describe('homeassistant plugin: versions in Home Assistant’s terms', () => {
  it('gives equal strings when nothing is pending, different ones otherwise', () => {
    const none = osVersions([]);
    assert.equal(none.installed, none.latest);
    const some = osVersions([pkg('curl')]);
    assert.notEqual(some.installed, some.latest);
  });

  it('changes latest_version with any change of the pending set, and only then', () => {
    const a = osVersions([pkg('curl'), pkg('openssl')]).latest;
    assert.equal(osVersions([pkg('openssl'), pkg('curl')]).latest, a, 'order does not matter');
    assert.notEqual(osVersions([pkg('curl'), pkg('openssl', { availableVersion: '1.2' })]).latest, a);
    assert.notEqual(osVersions([pkg('curl')]).latest, a);
    assert.notEqual(osVersions([pkg('curl'), pkg('openssl'), pkg('bash')]).latest, a);
    assert.notEqual(osVersions([pkg('curl'), pkg('openssl', { arch: 'i386' })]).latest, a);
  });

  it('summarises security and severe updates first, within 255 characters', () => {
    const summary = summaryOf([
      pkg('zsh', { severity: 'low' }),
      pkg('linux-image-amd64', { severity: 'critical' }),
      pkg('openssl', { security: true, severity: 'high' }),
    ]);
    assert.equal(summary, '3 updates, 1 security: openssl 1.1, linux-image-amd64 1.1, zsh 1.1');
    const long = summaryOf(Array.from({ length: 80 }, (_, i) => pkg(`package-with-a-long-name-${i}`)));
    assert.ok(long.length <= 255);
    assert.match(long, / and \d+ more$/);
    const huge = summaryOf([pkg('x'.repeat(400))]);
    assert.ok(huge.length <= 255);
  });

  it('puts the digest in a container’s version, its tag did not move', () => {
    const update = {
      id: 'u',
      plugin: 'docker',
      name: 'docker.io/library/nginx:1.27',
      arch: '',
      status: 'pending' as const,
      currentVersion: 'sha256:aaaaaaaaaaaa',
      availableVersion: 'sha256:bbbbbbbbbbbb',
    };
    const container = {
      tag: '1.27',
      localDigests: ['sha256:' + 'a'.repeat(64)],
      remoteDigest: 'sha256:' + 'b'.repeat(64),
      update,
    };
    assert.deepEqual(containerVersions(container, true), {
      installed: '1.27 (sha256:aaaaaaaaaaaa)',
      latest: '1.27 (sha256:bbbbbbbbbbbb)',
    });
    assert.deepEqual(containerVersions(container, false), {
      installed: '1.27 (sha256:aaaaaaaaaaaa)',
      latest: '1.27 (sha256:aaaaaaaaaaaa)',
    });
    // Without the registry's digest, the record's version still makes latest differ.
    const noRemote = { ...container, remoteDigest: null };
    assert.equal(containerVersions(noRemote, true).latest, '1.27 (sha256:bbbbbbbbbbbb)');
    const nothing = { ...noRemote, update: { ...update, availableVersion: null } };
    assert.equal(containerVersions(nothing, true).latest, '1.27 (new image)');
  });
});
