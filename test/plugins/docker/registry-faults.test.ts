import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHost, type CheckedImage } from '../../../plugins/docker/scan.js';
import { requireOrSkip } from '../apt/helpers/requirements.js';
import { FaultyProxy } from './helpers/faulty-proxy.js';
import { TestPodman } from './helpers/podman.js';
import { Publisher } from './helpers/publisher.js';
import { TestRegistry } from './helpers/registry.js';
import { testOperation, testSession } from './helpers/session.js';

const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;
const otherArch = hostArch === 'amd64' ? 'arm64' : 'amd64';

/**
 * The real registry with basic authentication, behind a proxy that misbehaves on purpose where
 * a real one would (429 with a reset, an HTML page, a cut or endless body): each failure stays
 * with its image, and the scan goes on.
 */
describe('docker plugin: basic auth, credentials and registry faults (real registry behind a proxy)', function () {
  let registry: TestRegistry;
  let proxy: FaultyProxy;
  let publisherPodman: TestPodman;
  let host: TestPodman;
  let P: string;
  let creds: { username: string; password: string };
  const dir = mkdtempSync(join(tmpdir(), 'rf-docker-creds-'));

  before(async function () {
    this.timeout(300_000);
    requireOrSkip(
      this,
      { commands: ['podman', 'runc', 'busybox', 'docker-registry'], root: true },
      'install podman, runc, busybox-static and docker-registry (.ci/run)',
    );
    registry = new TestRegistry();
    await registry.start({ basic: true });
    creds = { username: 'docker', password: registry.basicPassword };
    assert.ok(creds.password, 'the registry provisioned a password');
    proxy = new FaultyProxy(registry.port);
    await proxy.start();
    P = proxy.host;
    publisherPodman = new TestPodman();
    host = new TestPodman();
    await host.startService();
    const login = `${creds.username}:${creds.password}`;
    const publish = new Publisher(publisherPodman, login);
    await publish.single(`${P}/demo/app:1`);
    await publish.single(`${P}/demo/other:latest`);
    await publish.single(`${P}/build/a:v1`, hostArch);
    await publish.single(`${P}/build/b:v1`, otherArch);
    await publish.index(
      `${P}/demo/multi:1`,
      { [hostArch]: `${P}/build/a:v1`, [otherArch]: `${P}/build/b:v1` },
      'oci',
    );
    for (const ref of ['demo/app:1', 'demo/other:latest', 'demo/multi:1'])
      await host.pull(`${P}/${ref}`, ['--creds', login]);
    // Later: a higher version tag, and the index changed on the other platform only.
    await publish.single(`${P}/demo/app:2`);
    await publish.single(`${P}/build/b:v2`, otherArch);
    await publish.index(
      `${P}/demo/multi:1`,
      { [hostArch]: `${P}/build/a:v1`, [otherArch]: `${P}/build/b:v2` },
      'oci',
    );
  });

  after(async () => {
    await host?.stop();
    await publisherPodman?.stop();
    await proxy?.stop();
    await registry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const session = (extra: object = {}) =>
    testSession({ socket: host.socketPath, registries: { [P]: creds }, versionHints: false, ...extra });
  const find = (images: CheckedImage[], reference: string) => {
    const found = images.find((i) => i.target.reference === `${P}/${reference}`);
    assert.ok(found, `${reference} was not checked`);
    return found;
  };

  it('basic auth with credentials from the config; a version tag gets the newest higher tag as a hint', async function () {
    this.timeout(60_000);
    const { images } = await checkHost(session({ versionHints: true }), testOperation());
    assert.equal(find(images, 'demo/app:1').check.status, 'up-to-date');
    assert.equal(find(images, 'demo/app:1').newerTag, '2');
    assert.equal(find(images, 'demo/multi:1').check.status, 'up-to-date');
  });

  it('without credentials each image fails alone: the registry wants some', async function () {
    this.timeout(60_000);
    const { images } = await checkHost(testSession({ socket: host.socketPath }), testOperation());
    const app = find(images, 'demo/app:1').check;
    assert.ok(app.status === 'failed' && app.failure === 'unauthorized', JSON.stringify(app));
    assert.match(app.reason, /none are configured/);
  });

  it("reads ~/.docker/config.json's auths, and asks its credential helpers", async function () {
    this.timeout(60_000);
    const auths = join(dir, 'auths.json');
    const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
    writeFileSync(auths, JSON.stringify({ auths: { [P]: { auth } } }));
    let { images } = await checkHost(
      testSession({ socket: host.socketPath, dockerConfigPath: auths, versionHints: false }),
      testOperation(),
    );
    assert.equal(find(images, 'demo/app:1').check.status, 'up-to-date');

    const helper = join(dir, 'docker-credential-rftest');
    const answer = JSON.stringify({ ServerURL: P, Username: creds.username, Secret: creds.password });
    writeFileSync(
      helper,
      `#!/bin/sh\nread server\n[ "$server" = "${P}" ] && echo '${answer}' && exit 0\necho 'credentials not found in native keychain'\nexit 1\n`,
    );
    chmodSync(helper, 0o755);
    const helpers = join(dir, 'helpers.json');
    writeFileSync(helpers, JSON.stringify({ credHelpers: { [P]: 'rftest' } }));
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path}`;
    try {
      ({ images } = await checkHost(
        testSession({ socket: host.socketPath, dockerConfigPath: helpers, versionHints: false }),
        testOperation(),
      ));
    } finally {
      process.env.PATH = path;
    }
    assert.equal(find(images, 'demo/app:1').check.status, 'up-to-date');
  });

  it('a 429 is waited out until its reset, then the check succeeds', async function () {
    this.timeout(60_000);
    const s = session();
    await checkHost(s, testOperation()); // learns the registry's challenge
    proxy.inject(/\/v2\/demo\/app\/manifests\/1$/, { kind: '429', retryAfterSeconds: 1 });
    proxy.requests.length = 0;
    const { images } = await checkHost(s, testOperation());
    assert.equal(find(images, 'demo/app:1').check.status, 'up-to-date');
    const heads = proxy.requests.filter((r) => r === 'HEAD /v2/demo/app/manifests/1');
    assert.equal(heads.length, 2, proxy.requests.join('\n'));
    assert.equal(s.registry.rateLimitRemaining(P), 0, 'ratelimit-remaining was read');
  });

  it('a 429 whose reset is too far away fails that registry’s images without waiting', async function () {
    this.timeout(60_000);
    proxy.inject(/\/v2\/demo\/app\/manifests\/1$/, { kind: '429', retryAfterSeconds: 3600 });
    const { images } = await checkHost(session({ maxRateLimitWaitSeconds: 5 }), testOperation());
    const app = find(images, 'demo/app:1').check;
    assert.ok(app.status === 'failed' && app.failure === 'rate-limited', JSON.stringify(app));
  });

  it('an HTML page from a proxy is no manifest: that image fails, the others are checked', async function () {
    this.timeout(60_000);
    proxy.inject(/\/v2\/demo\/app\/manifests\/1$/, { kind: 'html' });
    const { images } = await checkHost(session(), testOperation());
    const app = find(images, 'demo/app:1').check;
    assert.ok(app.status === 'failed' && app.failure === 'bad-answer', JSON.stringify(app));
    assert.match(app.reason, /not a manifest \(text\/html\)/);
    assert.equal(find(images, 'demo/other:latest').check.status, 'up-to-date');
  });

  it('an index body far larger than a manifest is refused at the bound', async function () {
    this.timeout(60_000);
    proxy.inject(/\/v2\/demo\/multi\/manifests\/sha256:/, { kind: 'huge', bytes: 512 * 1024 * 1024 });
    const { images } = await checkHost(session({ maxManifestBytes: 65_536 }), testOperation());
    const multi = find(images, 'demo/multi:1').check;
    assert.ok(multi.status === 'failed' && multi.failure === 'too-large', JSON.stringify(multi));
  });

  it('a truncated index is refused', async function () {
    this.timeout(60_000);
    proxy.inject(/\/v2\/demo\/multi\/manifests\/sha256:/, { kind: 'truncated' });
    const { images } = await checkHost(session(), testOperation());
    const multi = find(images, 'demo/multi:1').check;
    assert.ok(multi.status === 'failed' && multi.failure === 'bad-answer', JSON.stringify(multi));
  });
});
