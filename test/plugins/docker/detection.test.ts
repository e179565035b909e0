import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAgentCli } from '../../agent/helpers/agent-cli.js';
import { checkHost, type CheckedImage } from '../../../plugins/docker/scan.js';
import { PluginHost, type HostedPackageManager } from '../../../plugins/sdk/index.js';
import type { TestPodman } from './helpers/podman.js';
import type { TestRegistry } from './helpers/registry.js';
import { testOperation, testSession } from './helpers/session.js';
import { TokenAuthHost } from './helpers/token-auth-host.js';
import type { TestTokenServer } from './helpers/token-server.js';
import { value } from '../sdk/outcome.js';

const hostArch = process.arch === 'x64' ? 'amd64' : process.arch;
const otherArch = hostArch === 'amd64' ? 'arm64' : 'amd64';

/**
 * Detection against the real parts (issue 24 "Tests"): Debian's docker-registry with token
 * authentication from a token server of the test's own, images pushed by one podman and
 * pulled by another whose Docker API the plugin reads.
 */
describe('docker plugin: update detection (real registry with token auth, podman)', function () {
  let setup: TokenAuthHost | undefined;
  let tokens: TestTokenServer;
  let registry: TestRegistry;
  let host: TestPodman;
  let R: string;

  before(async function () {
    this.timeout(300_000);
    setup = await TokenAuthHost.start(this);
    ({ tokens, registry, host, R } = setup);
    const { publish, pullCreds } = setup;

    // Version 1 of everything, pulled by the host.
    await publish.single(`${R}/demo/single:latest`);
    await publish.single(`${R}/demo/changed:latest`);
    await publish.single(`${R}/private/app:1`);
    await publish.single(`${R}/build/amd64:v1`, 'amd64');
    await publish.single(`${R}/build/arm64:v1`, 'arm64');
    const v1 = { amd64: `${R}/build/amd64:v1`, arm64: `${R}/build/arm64:v1` };
    await publish.index(`${R}/demo/oci-other:1`, v1, 'oci');
    await publish.index(`${R}/demo/oci-here:1`, v1, 'oci');
    await publish.index(`${R}/demo/list-other:1`, v1, 'v2s2');
    await publish.index(`${R}/demo/list-here:1`, v1, 'v2s2');
    for (const ref of ['demo/single:latest', 'demo/changed:latest', 'private/app:1', 'demo/oci-other:1'])
      await host.pull(`${R}/${ref}`, pullCreds);
    for (const ref of ['demo/oci-here:1', 'demo/list-other:1', 'demo/list-here:1'])
      await host.pull(`${R}/${ref}`, pullCreds);
    // Pinned by digest, built here (a registry's name, never pushed; and podman's localhost/).
    const single = await host.podman([
      'image',
      'inspect',
      '--format',
      '{{.Digest}}',
      `${R}/demo/single:latest`,
    ]);
    await host.pull(`${R}/demo/single@${single}`, pullCreds);
    await host.podman(['create', '--name', 'pinned', `${R}/demo/single@${single}`]);
    await host.importImage(`${R}/demo/built:1`, { built: 'here' });
    await host.importImage('localhost/built:1', { built: 'here' });
    // Pushed from the host and pulled back: podman then keeps two digests, the current second.
    await host.importImage(`${R}/demo/roundtrip:1`, { roundtrip: '1' });
    await host.push(`${R}/demo/roundtrip:1`, pullCreds);
    await host.pull(`${R}/demo/roundtrip:1`, pullCreds);
    await host.podman(['create', '--name', 'web', `${R}/demo/changed:latest`]);
    await host.podman(['create', '--name', 'web2', `${R}/demo/changed:latest`]);

    // Version 2: a new single image; indexes changed on the other platform only, or on this one.
    await publish.single(`${R}/demo/changed:latest`);
    await publish.single(`${R}/build/${hostArch}:v2`, hostArch);
    await publish.single(`${R}/build/${otherArch}:v2`, otherArch);
    const otherOnly = { [hostArch]: `${R}/build/${hostArch}:v1`, [otherArch]: `${R}/build/${otherArch}:v2` };
    const hereToo = { [hostArch]: `${R}/build/${hostArch}:v2`, [otherArch]: `${R}/build/${otherArch}:v2` };
    await publish.index(`${R}/demo/oci-other:1`, otherOnly, 'oci');
    await publish.index(`${R}/demo/oci-here:1`, hereToo, 'oci');
    await publish.index(`${R}/demo/list-other:1`, otherOnly, 'v2s2');
    await publish.index(`${R}/demo/list-here:1`, hereToo, 'v2s2');
  });

  after(async () => {
    await setup?.stop();
  });

  const byReference = (images: CheckedImage[], reference: string) => {
    const found = images.filter((i) => i.target.reference === `${R}/${reference}`);
    assert.ok(
      found.length > 0,
      `${reference} not checked: ${images.map((i) => i.target.reference).join(', ')}`,
    );
    return found;
  };
  const statusOf = (images: CheckedImage[], reference: string) =>
    byReference(images, reference).map((i) => i.check.status);

  describe('anonymous, without credentials', () => {
    let images: CheckedImage[];
    before(async function () {
      this.timeout(60_000);
      ({ images } = await checkHost(
        testSession({ socket: host.socketPath, versionHints: false }),
        testOperation(),
      ));
    });

    it('an unchanged single manifest is up to date', () => {
      assert.deepEqual(statusOf(images, 'demo/single:latest'), ['up-to-date']);
    });

    it('a changed tag is an update, with the containers that use it', () => {
      const [changed] = byReference(images, 'demo/changed:latest');
      assert.equal(changed!.check.status, 'update');
      assert.deepEqual(changed!.target.containers.map((c) => c.name).sort(), ['web', 'web2']);
    });

    it('an OCI index or Docker manifest list changed on another platform only is no update here', () => {
      assert.deepEqual(statusOf(images, 'demo/oci-other:1'), ['up-to-date']);
      assert.deepEqual(statusOf(images, 'demo/list-other:1'), ['up-to-date']);
      const [oci] = byReference(images, 'demo/oci-other:1');
      assert.ok(
        oci!.check.status === 'up-to-date' && oci!.check.platformDigest,
        'resolved through the index',
      );
    });

    it('an index changed on this platform is an update, with the platform manifest named', () => {
      for (const ref of ['demo/oci-here:1', 'demo/list-here:1']) {
        const [here] = byReference(images, ref);
        assert.equal(here!.check.status, 'update', ref);
        assert.ok(here!.check.status === 'update' && here!.check.platformDigest, ref);
      }
    });

    it('RepoDigests with several entries: the current one need not be the first', () => {
      const [roundtrip] = byReference(images, 'demo/roundtrip:1');
      assert.ok(roundtrip!.target.image!.repoDigests.length >= 2, JSON.stringify(roundtrip!.target.image));
      assert.equal(roundtrip!.check.status, 'up-to-date');
    });

    it('an image pinned by digest, or built locally, is not checkable', () => {
      const pinned = images.find((i) => i.target.containers.some((c) => c.name === 'pinned'));
      assert.equal(pinned?.check.status, 'not-checkable');
      assert.deepEqual(statusOf(images, 'demo/built:1'), ['not-checkable']);
      assert.equal(
        images.find((i) => i.target.reference === 'localhost/built:1')?.check.status,
        'not-checkable',
      );
    });

    it('a private image without credentials fails alone', () => {
      const [priv] = byReference(images, 'private/app:1');
      assert.equal(priv!.check.status, 'failed');
      assert.ok(priv!.check.status === 'failed' && priv!.check.failure === 'unauthorized');
    });
  });

  it('with credentials from the config the private image is checked', async function () {
    this.timeout(60_000);
    const session = testSession({
      socket: host.socketPath,
      versionHints: false,
      registries: { [R]: { username: 'alice', password: 'secret' } },
    });
    const { images } = await checkHost(session, testOperation());
    assert.deepEqual(statusOf(images, 'private/app:1'), ['up-to-date']);
  });

  it('a second scan asks no new token and sends one HEAD per image, no GET', async function () {
    this.timeout(60_000);
    const session = testSession({ socket: host.socketPath, versionHints: false });
    await checkHost(session, testOperation());
    const tokensBefore = tokens.requests.length;
    registry.requests.length = 0;
    const { images } = await checkHost(session, testOperation());
    assert.equal(tokens.requests.length, tokensBefore, 'tokens are cached until they expire');
    // Every image that reached the registry: all but the pinned and the never-pulled ones.
    const asked = images.filter(
      (i) => i.check.status !== 'not-checkable' || i.check.reason.includes('the registry has no'),
    ).length;
    const heads = registry.requests.filter((r) => r.startsWith('HEAD '));
    const gets = registry.requests.filter((r) => r.startsWith('GET '));

    assert.equal(heads.length, asked, registry.requests.join('\n'));
    // Indexes are read once per digest: the first scan read them.
    assert.deepEqual(gets, []);
  });

  it('redflag-agent scan --plugin docker --json prints the same records as the scan', async function () {
    this.timeout(120_000);
    const config = join(registry.dir, 'agent.json');
    writeFileSync(
      config,
      JSON.stringify({ formatVersion: 2, plugins: { docker: { socket: host.socketPath } } }),
    );
    const args = [
      'scan',
      '--plugin',
      'docker',
      '--json',
      '--config',
      config,
      '--state-dir',
      join(registry.dir, 'state'),
    ];
    const res = await runAgentCli(args);
    assert.equal(res.code, 0, res.stderr);
    const report = JSON.parse(res.stdout) as {
      packages: { name: string; tag: string; remoteDigest: string }[];
      plugins: { complete: boolean; warnings: string[] }[];
    };
    assert.deepEqual(report.packages.map((p) => p.name).sort(), [
      `${R}/demo/changed:latest`,
      `${R}/demo/list-here:1`,
      `${R}/demo/oci-here:1`,
    ]);
    assert.ok(report.packages.every((p) => p.tag && p.remoteDigest.startsWith('sha256:')));
    assert.equal(report.plugins[0]?.complete, false);
    assert.equal(report.plugins[0]?.warnings.length, 1);
  });

  it('scans through the plugin host: records for the updates only, the failure as a warning; the dry run says what an update would do', async function () {
    this.timeout(60_000);
    const pluginHost = new PluginHost({
      modules: [{ id: 'plugins/docker', load: () => import('../../../plugins/docker/index.js') }],
      accept: ['package-manager'],
      configs: { docker: { socket: host.socketPath } },
    });
    try {
      const [status] = await pluginHost.start();
      assert.equal(status?.state, 'active', status?.message);
      const docker = pluginHost.packageManager('docker') as HostedPackageManager;
      assert.equal(value(await docker.detect()).available, true);
      const scan = value(await docker.scan());
      const names = scan.packages.map((p) => p.name).sort();
      assert.deepEqual(names, [`${R}/demo/changed:latest`, `${R}/demo/list-here:1`, `${R}/demo/oci-here:1`]);
      const changed = scan.packages.find((p) => p.name === `${R}/demo/changed:latest`)!;
      assert.equal(changed.image, `${R}/demo/changed`);
      assert.equal(changed.tag, 'latest');
      assert.equal(changed.containerIds?.length, 2);
      assert.equal(changed.platform, `linux/${hostArch}`);
      assert.ok(changed.remoteDigest && !changed.localDigests?.includes(changed.remoteDigest));
      assert.equal(scan.complete, false, 'an image that could not be checked makes the scan incomplete');
      assert.equal(scan.warnings.length, 1);
      assert.match(scan.warnings[0]!, /private\/app:1: .*denied|unauthori|credentials/);
      const plan = value(
        await docker.dryRun({
          packages: [{ name: `${R}/demo/changed:latest` }, { name: `${R}/demo/single:latest` }],
        }),
      );
      assert.deepEqual(
        plan.upgrades.map((u) => [u.name, u.fromVersion, u.toVersion]),
        [[changed.name, changed.currentVersion, changed.availableVersion]],
      );
      assert.deepEqual(
        plan.warnings.filter((w) => w.startsWith('step')),
        [
          `step 1: pull ${R}/demo/changed:latest (${changed.remoteDigest})`,
          `step 2: recreate container web on ${R}/demo/changed:latest (stopped: it stays stopped)`,
          `step 3: recreate container web2 on ${R}/demo/changed:latest (stopped: it stays stopped)`,
        ],
      );
      assert.ok(plan.warnings.some((w) => w.startsWith(`${R}/demo/single:latest: no update`)));
    } finally {
      await pluginHost.stop();
    }
  });
});
