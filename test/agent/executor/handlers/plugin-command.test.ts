import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { CommandMessage } from '../../../../broker/protocol/index.js';
import { CommandRun } from '../../../../agent/executor/command-run.js';
import {
  createHandlers,
  type HandlerDeps,
  runnableTypes,
} from '../../../../agent/executor/handlers/index.js';
import { PluginRuntime } from '../../../../agent/plugins/plugin-runtime.js';
import { UpdateHost } from '../../../plugins/docker/helpers/update-host.js';

const docker = { id: 'plugins/docker', load: () => import('../../../../plugins/docker/index.js') };

async function runtimeFor(socket: string): Promise<PluginRuntime> {
  return PluginRuntime.start({
    modules: [docker],
    configs: { docker: { socket, startupGraceSeconds: 1, stopTimeoutSeconds: 1 } },
    logger: pino({ level: 'silent' }),
  });
}

function commandRun(params: Record<string, unknown>): CommandRun {
  const command = { id: randomUUID(), type: 'restart_container', params } as unknown as CommandMessage;
  return new CommandRun(command, async () => true, 60_000);
}

describe('agent: restart_container, run by the docker plugin (real podman)', function () {
  this.timeout(180_000);
  let setup: UpdateHost;
  let runtime: PluginRuntime;

  before(async function () {
    setup = await UpdateHost.start(this);
    runtime = await runtimeFor(setup.host.socketPath);
  });
  after(async () => {
    await runtime?.stop();
    await setup?.stop();
  });

  it('is listed in the hello where the docker plugin is available, and not where it is not', async () => {
    const handlers = createHandlers({ runtime } as unknown as HandlerDeps);
    assert.ok(runnableTypes(handlers).includes('restart_container'));
    const without = await runtimeFor('/nonexistent/docker.sock');
    try {
      const none = createHandlers({ runtime: without } as unknown as HandlerDeps);
      assert.deepEqual(runnableTypes(none), [
        'scan',
        'dry_run',
        'install',
        'reboot',
        'cancel',
        'set_config',
        'update_agent',
      ]);
    } finally {
      await without.stop();
    }
  });

  it('restarts a real container and reports it running again', async () => {
    const ref = setup.ref('svc');
    await setup.publishAndPull(ref);
    await setup.host.podman(['run', '-d', '--name', 'svc', ref]);
    const before = await setup.inspect('svc');
    const handler = createHandlers({ runtime } as unknown as HandlerDeps).restart_container!;
    const outcome = await handler.run({ container: 'svc' }, commandRun({ container: 'svc' }));
    assert.equal(outcome.status, 'succeeded', outcome.error);
    assert.deepEqual(outcome.data, {
      plugin: 'docker',
      container: 'svc',
      id: before.Id,
      state: 'running',
      health: null,
    });
    const after = await setup.inspect('svc');
    const started = (c: typeof after) => (c.State as { StartedAt?: string }).StartedAt;
    assert.notEqual(started(after), started(before));
    assert.equal(after.State.Running, true);
  });

  it('fails, naming the container, when the host has no such container', async () => {
    const handler = createHandlers({ runtime } as unknown as HandlerDeps).restart_container!;
    const outcome = await handler.run({ container: 'nope' }, commandRun({ container: 'nope' }));
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error ?? '', /no container nope on this host/);
  });
});
