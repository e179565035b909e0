import assert from 'node:assert/strict';
import {
  formatReference,
  parseImageReference,
  tryParseImageReference,
} from '../../../plugins/docker/image-reference.js';

const digest = `sha256:${'ab'.repeat(32)}`;

describe('docker plugin: image references', () => {
  const cases: [string, string, string, string | undefined, string | undefined][] = [
    // input, registry dialled, repository, tag, digest
    ['nginx', 'registry-1.docker.io', 'library/nginx', 'latest', undefined],
    ['nginx:1.27', 'registry-1.docker.io', 'library/nginx', '1.27', undefined],
    ['user/img:tag', 'registry-1.docker.io', 'user/img', 'tag', undefined],
    ['docker.io/library/redis:7', 'registry-1.docker.io', 'library/redis', '7', undefined],
    ['index.docker.io/user/img', 'registry-1.docker.io', 'user/img', 'latest', undefined],
    [`ghcr.io/o/i@${digest}`, 'ghcr.io', 'o/i', undefined, digest],
    [`ghcr.io/o/i:v1@${digest}`, 'ghcr.io', 'o/i', 'v1', digest],
    ['localhost:5000/x', 'localhost:5000', 'x', 'latest', undefined],
    ['localhost/built', 'localhost', 'built', 'latest', undefined],
    ['lscr.io/linuxserver/jellyfin:10.9.1', 'lscr.io', 'linuxserver/jellyfin', '10.9.1', undefined],
    ['quay.io/a/b/c:x_y', 'quay.io', 'a/b/c', 'x_y', undefined],
    ['127.0.0.1:5999/demo/app:1', '127.0.0.1:5999', 'demo/app', '1', undefined],
  ];
  for (const [input, registry, repository, tag, pinned] of cases)
    it(`reads ${input}`, () => {
      const ref = parseImageReference(input);
      assert.equal(ref.registry, registry);
      assert.equal(ref.repository, repository);
      assert.equal(ref.tag, tag);
      assert.equal(ref.digest, pinned);
    });

  it('writes docker.io references out in full', () => {
    assert.equal(formatReference(parseImageReference('nginx')), 'docker.io/library/nginx:latest');
  });

  for (const bad of ['', 'UPPER/case', 'a//b', 'nginx:', 'nginx@sha256:short', ':tag', 'x:y:z/w'])
    it(`refuses "${bad}"`, () => {
      assert.throws(() => parseImageReference(bad), TypeError);
      assert.equal(tryParseImageReference(bad), null);
    });
});
