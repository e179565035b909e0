import assert from 'node:assert/strict';
import { negotiateApiVersion } from '../../../plugins/docker/engine-client.js';
import { readInventory } from '../../../plugins/docker/engine-inventory.js';
import { connectEngine, detectResult } from '../../../plugins/docker/detect.js';
import { requireOrSkip } from '../apt/helpers/requirements.js';
import { TestPodman } from './helpers/podman.js';

describe('docker plugin: engine client', () => {
  describe('API version negotiation', () => {
    it("speaks podman 4.3's 1.41", () => {
      assert.equal(negotiateApiVersion({ apiVersion: '1.41', minApiVersion: '1.24' }), '1.41');
    });
    it('speaks no lower than Docker 29 accepts, and no higher than it knows', () => {
      assert.equal(negotiateApiVersion({ apiVersion: '1.52', minApiVersion: '1.44' }), '1.52');
      assert.equal(negotiateApiVersion({ apiVersion: '1.60', minApiVersion: '1.44' }), '1.52');
    });
    it('refuses an engine whose range does not meet its own', () => {
      assert.throws(() => negotiateApiVersion({ apiVersion: '1.30', minApiVersion: '1.12' }), /older than/);
      assert.throws(
        () => negotiateApiVersion({ apiVersion: '1.70', minApiVersion: '1.60' }),
        /needs API 1.60/,
      );
    });
  });

  describe('a host without an engine', () => {
    it('is not applicable, with the reason, when no socket exists', async () => {
      const connection = await connectEngine('/nonexistent/docker.sock', AbortSignal.timeout(5000));
      const result = detectResult(connection);
      assert.equal(result.available, false);
      assert.match(result.reason ?? '', /no container engine answers on \/nonexistent\/docker.sock/);
    });
    it('is not applicable when DOCKER_HOST names a TCP engine', async () => {
      const connection = await connectEngine('', AbortSignal.timeout(5000), { DOCKER_HOST: 'tcp://h:2375' });
      assert.match(detectResult(connection).reason ?? '', /not a unix socket/);
    });
  });

  describe("podman's Docker API (real)", function () {
    let podman: TestPodman;

    before(async function () {
      this.timeout(60_000);
      requireOrSkip(
        this,
        { commands: ['podman', 'runc', 'busybox'], root: true },
        'install podman, runc and busybox-static (.ci/run)',
      );
      podman = new TestPodman();
      await podman.startService();
      await podman.importImage('127.0.0.1:1/demo/engine:1', { version: '1' });
      await podman.podman([
        'create',
        '--name',
        'web',
        '--label',
        'com.docker.compose.project=site',
        '--label',
        'com.docker.compose.service=web',
        '--label',
        'com.docker.compose.project.config_files=/srv/site/compose.yaml',
        '127.0.0.1:1/demo/engine:1',
      ]);
    });
    after(async () => podman?.stop());

    it('negotiates 1.41 from the unversioned /version and names the engine', async () => {
      const connection = await connectEngine(podman.socketPath, AbortSignal.timeout(10_000));
      assert.ok(connection.engine);
      assert.equal(connection.engine.apiVersion, '1.41');
      assert.match(detectResult(connection).version ?? '', /^Podman Engine 4\.\d+\.\d+ \(API 1\.41\)$/);
    });

    it('lists containers with image, labels, compose project and state, images with digests', async () => {
      const connection = await connectEngine(podman.socketPath, AbortSignal.timeout(10_000));
      const inventory = await readInventory(connection.engine!, AbortSignal.timeout(10_000));
      assert.equal(inventory.platform, `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`);
      const web = inventory.containers.find((c) => c.name === 'web');
      assert.ok(web, JSON.stringify(inventory.containers));
      assert.equal(web.image, '127.0.0.1:1/demo/engine:1');
      assert.equal(web.state, 'created');
      assert.deepEqual(web.compose, {
        project: 'site',
        service: 'web',
        configFiles: ['/srv/site/compose.yaml'],
      });
      const image = inventory.images.find((i) => i.id === web.imageId);
      assert.ok(image);
      assert.deepEqual(image.repoTags, ['127.0.0.1:1/demo/engine:1']);
      assert.match(image.repoDigests[0] ?? '', /^127\.0\.0\.1:1\/demo\/engine@sha256:[0-9a-f]{64}$/);
    });
  });
});
