import assert from 'node:assert/strict';
import { dryRunDocker } from '../../../plugins/docker/dry-run.js';
import { installDocker } from '../../../plugins/docker/install.js';
import type { ContainerOutcome } from '../../../plugins/docker/update-run.js';
import { type InstallProgress, isPluginError } from '../../../plugins/sdk/index.js';
import { freePort } from './helpers/registry.js';
import { testOperation } from './helpers/session.js';
import { UpdateHost } from './helpers/update-host.js';

/** The install's per-container outcomes, whether it succeeded or threw. */
async function install(setup: UpdateHost, refs: string[]) {
  const progress: InstallProgress[] = [];
  const session = setup.session();
  try {
    const result = await installDocker(
      session,
      { packages: refs.map((name) => ({ name })) },
      (p) => progress.push(p),
      testOperation(180_000),
    );
    return { ok: true, containers: result.details!.containers as ContainerOutcome[], progress, result };
  } catch (error) {
    if (!isPluginError(error)) throw error;
    return { ok: false, containers: error.details.containers as ContainerOutcome[], progress, error };
  }
}

describe('docker plugin: updating containers (real podman and registry)', function () {
  this.timeout(240_000);
  let setup: UpdateHost;

  before(async function () {
    setup = await UpdateHost.start(this);
  });
  after(async () => setup?.stop());

  it('recreates a container on the new image keeping its name, env, mounts, ports, labels, networks and restart policy', async () => {
    const ref = setup.ref('app');
    await setup.publishAndPull(ref);
    const data = setup.tempDir();
    const port = await freePort();
    await setup.host.podman(['network', 'create', 'backend']);
    await setup.host.podman([
      'run',
      '-d',
      '--name',
      'app',
      '-e',
      'GREETING=hello',
      '-v',
      `${data}:/data:ro`,
      '-v',
      '/cache',
      '-p',
      `127.0.0.1:${port}:80`,
      '--label',
      'owner=ops',
      '--network',
      'backend',
      '--network-alias',
      'api',
      '--restart',
      'unless-stopped',
      '--hostname',
      'apphost',
      ref,
    ]);
    const before = await setup.inspect('app');
    await setup.publish(ref);

    const dry = await dryRunDocker(setup.session(), testOperation(), { packages: [{ name: ref }] });
    assert.deepEqual(
      dry.upgrades.map((u) => u.name),
      [ref],
    );
    const steps = dry.warnings.filter((w) => w.startsWith('step'));
    assert.match(steps[0] ?? '', new RegExp(`^step 1: pull ${ref} \\(sha256:[0-9a-f]{64}\\)$`));
    assert.equal(steps[1], `step 2: recreate container app on ${ref}`);

    const outcome = await install(setup, [ref]);
    assert.ok(outcome.ok, `${outcome.error?.message} ${JSON.stringify(outcome.containers)}`);
    assert.deepEqual(
      outcome.containers.map((c) => [c.name, c.via, c.outcome]),
      [['app', 'engine', 'updated']],
    );
    const after = await setup.inspect('app');
    assert.notEqual(after.Id, before.Id);
    assert.equal(after.Image, await setup.imageId(ref));
    assert.notEqual(after.Image, before.Image);
    assert.equal(after.State.Running, true);
    assert.ok((after.Config.Env as string[]).includes('GREETING=hello'));
    assert.ok((after.HostConfig.Binds as string[]).includes(`${data}:/data:ro,rprivate,rbind`));
    // An anonymous volume is the same volume afterwards, not a new empty one.
    const cache = (c: typeof before) => c.Mounts?.find((m) => m.Destination === '/cache')?.Name;
    assert.ok(cache(before));
    assert.equal(cache(after), cache(before));
    assert.deepEqual(after.HostConfig.PortBindings, {
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }],
    });
    assert.equal(after.Config.Labels?.owner, 'ops');
    assert.deepEqual(after.HostConfig.RestartPolicy, { Name: 'unless-stopped', MaximumRetryCount: 0 });
    assert.equal(after.Config.Hostname, 'apphost');
    assert.deepEqual(Object.keys(after.NetworkSettings?.Networks ?? {}), ['backend']);
    assert.ok(after.NetworkSettings!.Networks!.backend!.Aliases?.includes('api'));
    // The previous container is gone once the new one runs.
    assert.deepEqual(await setup.containerNames(), ['app']);
  });

  it('rolls back to the previous container on the previous image when the new one does not start', async () => {
    const ref = setup.ref('flaky');
    await setup.publishAndPull(ref);
    await setup.host.podman(['run', '-d', '--name', 'flaky', '-e', 'MODE=prod', ref]);
    const before = await setup.inspect('flaky');
    await setup.publish(ref, ['/bin/false']); // the new version exits at once

    const outcome = await install(setup, [ref]);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.error?.code, 'update-failed');
    assert.deepEqual(
      outcome.containers.map((c) => [c.name, c.outcome]),
      [['flaky', 'rolled_back']],
    );
    assert.match(
      outcome.containers[0]!.reason ?? '',
      /did not start: it is (exited|stopped) \(exit code 1\)/,
    );
    const after = await setup.inspect('flaky');
    assert.equal(after.Id, before.Id);
    assert.equal(after.Image, before.Image);
    assert.equal(after.State.Running, true);
    assert.ok((after.Config.Env as string[]).includes('MODE=prod'));
    assert.deepEqual(
      (await setup.containerNames()).filter((n) => n.startsWith('flaky')),
      ['flaky'],
    );
  });

  it("recreates a container sharing another's network after it, joined to the new one", async () => {
    const provider = setup.ref('gateway');
    const sidecarImage = setup.ref('sidecar');
    await setup.publishAndPull(provider);
    await setup.publishAndPull(sidecarImage);
    await setup.host.podman(['run', '-d', '--name', 'gateway', provider]);
    // Named so that it sorts before its provider: only the dependency puts it after.
    await setup.host.podman([
      'run',
      '-d',
      '--name',
      'agw-sidecar',
      '--network',
      'container:gateway',
      sidecarImage,
    ]);
    const sidecarBefore = await setup.inspect('agw-sidecar');
    await setup.publish(provider);

    const dry = await dryRunDocker(setup.session(), testOperation(), { packages: [{ name: provider }] });
    assert.deepEqual(dry.warnings.filter((w) => w.startsWith('step')).slice(1), [
      `step 2: recreate container gateway on ${provider}`,
      `step 3: recreate container agw-sidecar on ${sidecarImage} (shares the network of gateway), after gateway`,
    ]);

    const outcome = await install(setup, [provider]);
    assert.ok(outcome.ok, `${outcome.error?.message} ${JSON.stringify(outcome.containers)}`);
    assert.deepEqual(
      outcome.containers.map((c) => [c.name, c.outcome]),
      [
        ['gateway', 'updated'],
        ['agw-sidecar', 'recreated'],
      ],
    );
    const gateway = await setup.inspect('gateway');
    const sidecar = await setup.inspect('agw-sidecar');
    assert.equal(sidecar.State.Running, true);
    assert.notEqual(sidecar.Id, sidecarBefore.Id);
    assert.equal(sidecar.Image, sidecarBefore.Image);
    assert.match(sidecar.HostConfig.NetworkMode ?? '', new RegExp(`^container:(${gateway.Id}|gateway)$`));
    assert.deepEqual(
      (await setup.containerNames()).filter((n) => /gateway|sidecar/.test(n)),
      ['agw-sidecar', 'gateway'],
    );
  });
  it('restarts a container whose compose depends_on names a recreated service, after it', async () => {
    const dbImage = setup.ref('db');
    const workerImage = setup.ref('worker');
    await setup.publishAndPull(dbImage);
    await setup.publishAndPull(workerImage);
    const compose = (service: string) => [
      '--label',
      'com.docker.compose.project=site',
      '--label',
      `com.docker.compose.service=${service}`,
      // Files gone: the engine recreates it, so this runs without a compose program.
      '--label',
      'com.docker.compose.project.config_files=/nonexistent/site/compose.yaml',
    ];
    await setup.host.podman(['run', '-d', '--name', 'db', ...compose('db'), dbImage]);
    await setup.host.podman([
      'run',
      '-d',
      '--name',
      'a-worker',
      ...compose('worker'),
      '--label',
      'com.docker.compose.depends_on=db:service_started:false',
      workerImage,
    ]);
    const workerBefore = await setup.inspect('a-worker');
    await setup.publish(dbImage);

    const outcome = await install(setup, [dbImage]);
    assert.ok(outcome.ok, `${outcome.error?.message} ${JSON.stringify(outcome.containers)}`);
    assert.deepEqual(
      outcome.containers.map((c) => [c.name, c.via, c.outcome]),
      [
        ['db', 'engine', 'updated'],
        ['a-worker', 'restart', 'restarted'],
      ],
    );
    const worker = await setup.inspect('a-worker');
    const started = (c: typeof worker) => (c.State as { StartedAt?: string }).StartedAt;
    assert.equal(worker.Id, workerBefore.Id);
    assert.equal(worker.State.Running, true);
    assert.notEqual(started(worker), started(workerBefore));
  });

  it('waits for a health check: a healthy new image stays, one whose check fails is rolled back', async () => {
    const ref = setup.ref('checked');
    await setup.publishAndPull(ref);
    await setup.host.podman([
      'run',
      '-d',
      '--name',
      'checked',
      '--health-cmd',
      '[ ! -e /broken ]',
      '--health-retries',
      '1',
      '--health-interval',
      '1h',
      ref,
    ]);
    // Podman runs health checks from systemd timers, which this machine lacks: the test is the
    // timer, for whichever container is called `checked` at the moment.
    const timer = setInterval(
      () => void setup.host.podman(['healthcheck', 'run', 'checked']).catch(() => undefined),
      250,
    );
    try {
      await setup.publish(ref);
      const healthy = await install(setup, [ref]);
      assert.ok(healthy.ok, `${healthy.error?.message} ${JSON.stringify(healthy.containers)}`);
      assert.deepEqual(
        healthy.containers.map((c) => [c.name, c.outcome]),
        [['checked', 'updated']],
      );
      const before = await setup.inspect('checked');
      assert.equal(before.State.Health?.Status, 'healthy');

      // The next version runs, but its health check fails.
      await setup.publisher.importImage(ref, { serial: 'broken', broken: 'yes' });
      await setup.publisher.push(ref);
      const broken = await install(setup, [ref]);
      assert.equal(broken.ok, false);
      assert.deepEqual(
        broken.containers.map((c) => [c.name, c.outcome]),
        [['checked', 'rolled_back']],
      );
      assert.match(broken.containers[0]!.reason ?? '', /unhealthy/);
      const after = await setup.inspect('checked');
      assert.equal(after.Id, before.Id);
      assert.equal(after.Image, before.Image);
      assert.equal(after.State.Running, true);
    } finally {
      clearInterval(timer);
    }
  });
});
