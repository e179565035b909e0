import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ContainerInventoryItem, parseMessage } from '../../broker/protocol/index.js';
import { createAgentLogger } from '../../agent/log.js';
import { BUILTIN_AGENT_PLUGINS } from '../../agent/plugins.js';
import { PluginRuntime } from '../../agent/plugins/plugin-runtime.js';
import { runScan } from '../../agent/scanner.js';
import { TokenAuthHost } from '../plugins/docker/helpers/token-auth-host.js';

/**
 * Issue 24 §5: the agent's docker scan carries every container of the host with its image's
 * check, on the real parts (podman's Docker API, Debian's docker-registry with token auth), as
 * the `scan` message the core receives.
 */
describe('agent: the docker scan carries the container inventory (podman, real registry)', function () {
  let setup: TokenAuthHost | undefined;
  let runtime: PluginRuntime | undefined;
  let R: string;
  const stateDir = mkdtempSync(join(tmpdir(), 'rf-inventory-'));

  before(async function () {
    this.timeout(300_000);
    setup = await TokenAuthHost.start(this);
    const { host, publish, pullCreds: creds } = setup;
    R = setup.R;
    for (const ref of ['demo/web:1', 'demo/db:16', 'private/app:1']) {
      await publish.single(`${R}/${ref}`);
      await host.pull(`${R}/${ref}`, creds);
    }
    await host.importImage('localhost/built:1', { built: 'here' });
    await host.podman([
      'create',
      '--name',
      'web',
      '--label',
      'com.docker.compose.project=site',
      '--label',
      'com.docker.compose.service=web',
      `${R}/demo/web:1`,
    ]);
    await host.podman(['create', '--name', 'db', `${R}/demo/db:16`]);
    await host.podman(['create', '--name', 'secret', `${R}/private/app:1`]);
    await host.podman(['create', '--name', 'tool', 'localhost/built:1']);
    // A new web image at the registry: its container has an update.
    await publish.single(`${R}/demo/web:1`);
    runtime = await PluginRuntime.start({
      modules: BUILTIN_AGENT_PLUGINS,
      configs: { docker: { socket: host.socketPath, versionHints: false } },
      logger: createAgentLogger('silent'),
    });
  });

  after(async () => {
    await runtime?.stop();
    await setup?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('sends every container with its image, digests, check, state and compose labels; the core accepts the message', async function () {
    this.timeout(120_000);
    const { message } = await runScan(
      { runtime: runtime!, stateDir, logger: createAgentLogger('silent') },
      'docker',
      { trigger: 'cli' },
    );
    const parsed = parseMessage('scan', Buffer.from(JSON.stringify(message)));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.equal(message.error, undefined);
    // The private image could not be checked: the records are not complete, the inventory is.
    assert.equal(message.complete, false);
    const byName = new Map((message.containers ?? []).map((c) => [c.name, c]));
    assert.deepEqual([...byName.keys()].sort(), ['db', 'secret', 'tool', 'web']);
    const status = (name: string): [string, string | undefined] => {
      const c: ContainerInventoryItem = byName.get(name)!;
      return [c.checkStatus, c.checkReason];
    };

    const web = byName.get('web')!;
    assert.equal(web.checkStatus, 'update_available');
    assert.equal(web.reference, `${R}/demo/web:1`);
    assert.equal(web.image, `${R}/demo/web`);
    assert.equal(web.tag, '1');
    assert.equal(web.state, 'created');
    assert.equal(web.composeProject, 'site');
    assert.equal(web.composeService, 'web');
    assert.match(web.platform ?? '', /^linux\//);
    assert.match(web.imageId ?? '', /^[0-9a-f]{64}$/);
    assert.ok(
      web.remoteDigest && web.localDigests.length > 0 && !web.localDigests.includes(web.remoteDigest),
    );
    // Its image's record is the pending update the panel's action approves: the same name.
    assert.deepEqual(
      message.packages.map((p) => p.name),
      [web.reference],
    );

    const db = byName.get('db')!;
    assert.equal(db.checkStatus, 'up_to_date');
    assert.ok(db.remoteDigest && db.localDigests.includes(db.remoteDigest));
    assert.equal(status('tool')[0], 'not_checkable');
    assert.match(status('tool')[1] ?? '', /built locally/);
    assert.equal(status('secret')[0], 'check_failed');
    assert.ok(status('secret')[1]);
  });
});
