import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, signAgentBundle } from '../../../broker/protocol/index.js';
import { buildAgentBundle } from '../../../core/fleet/index.js';
import type { Command } from '../../../core/db/index.js';
import { tempDir } from '../../helpers/cli.js';
import { ApiClient, createTestToken } from '../../core/api/api-client.js';
import type { TestCore } from '../../helpers/core.js';
import { until } from '../helpers/agent-fixture.js';
import { runInstallScript } from '../helpers/install-run.js';
import { RestartableCore } from '../helpers/restartable-core.js';
import { Supervisor } from '../helpers/supervisor.js';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * update_agent end to end: install.sh installs release A into a scratch root, the launcher runs
 * under a supervisor that restarts it like systemd would, and the core serves each new release
 * from agentBundle.path (a file replaced in place).
 */
describe('agent self-update (update_agent) through the launcher, against a real core', function () {
  this.timeout(300_000);
  const dir = tempDir('rf-update-');
  const release = join(dir.path, 'release.mjs');
  const root = join(dir.path, 'root');
  const install = join(root, 'opt/redflag-agent');
  let core: RestartableCore;
  let supervisor: Supervisor;
  let admin: ReturnType<ApiClient['bearer']>;
  let agentId: string;
  const A: { version: string; code: Buffer } = { version: '0.9.0-test.1', code: Buffer.alloc(0) };
  const B: { version: string; code: Buffer } = { version: '0.9.0-test.2', code: Buffer.alloc(0) };

  const publish = (code: Buffer) => {
    writeFileSync(`${release}.tmp`, code);
    renameSync(`${release}.tmp`, release);
  };
  const agentRow = () => core.core.db.agents.findById(agentId);
  const versionOnline = (version: string, what: string, ms: number) =>
    until(
      what,
      async () => {
        const row = await agentRow();
        return row?.online && row.agentVersion === version;
      },
      ms,
    );
  const finished = (id: string) =>
    until(
      `command ${id} to finish`,
      async () => {
        const command = await core.core.db.commands.findById(id);
        return command && !['pending', 'sent', 'acknowledged', 'running'].includes(command.status)
          ? command
          : null;
      },
      180_000,
    );
  const resultData = (command: Command) =>
    (command.result as { data?: Record<string, unknown> } | null)?.data ?? {};

  before(async () => {
    A.code = (await buildAgentBundle({ version: A.version })).code;
    B.code = (await buildAgentBundle({ version: B.version })).code;
    publish(A.code);
    core = await RestartableCore.start((config) => {
      config.agentBundle.path = release;
    });
    admin = new ApiClient(core.httpUrl).bearer(
      (await createTestToken(core.core as unknown as TestCore, 'admin')).token,
    );
    const installed = await runInstallScript(core.httpUrl, ['--token', await core.createToken(1)], root);
    assert.equal(installed.code, 0, installed.stderr);
    // No apt-get update in tests: scans read the indexes as they are.
    const configPath = join(root, 'etc/redflag/agent.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown> & {
      identity: { agentId: string };
    };
    agentId = config.identity.agentId;
    writeFileSync(configPath, JSON.stringify({ ...config, plugins: { apt: { updateBeforeScan: false } } }), {
      mode: 0o600,
    });
    supervisor = new Supervisor(join(install, 'bin/redflag-agent'), ['run']);
    supervisor.start();
    await versionOnline(A.version, 'release A to connect', 120_000);
  });
  after(async () => {
    await supervisor?.stop();
    await core?.close();
    dir.remove();
  });

  /** A bundle that answers --version as `version` and runs `body` otherwise. */
  const bundle = (version: string, body: string) =>
    Buffer.from(
      `// redflag-agent ${version} (single-file bundle, Node.js >= 18)\n` +
        `if (process.argv.includes('--version')) console.log('${version}');\n` +
        `else ${body}\n`,
    );

  /** Publishes `bad`, updates to it, and checks the agent rolled back to B saying `why`. */
  async function updateAndExpectRollback(bad: Buffer, connectTimeoutSeconds: number, why: RegExp) {
    publish(bad);
    const exitsBefore = supervisor.exits.length;
    const issued = await admin.post(`/api/v1/agents/${agentId}/update`, { connectTimeoutSeconds });
    assert.equal(issued.status, 201, JSON.stringify(issued.json));
    const command = await finished(issued.json.id);
    assert.equal(command.status, 'failed');
    assert.equal(resultData(command).outcome, 'rolled_back');
    assert.match(command.error ?? '', why);
    assert.equal(sha256(readFileSync(join(install, 'redflag-agent.mjs'))), sha256(B.code));
    return { exits: supervisor.exits.slice(exitsBefore) };
  }

  async function previousVersionBack(eventReason: RegExp) {
    await versionOnline(B.version, 'the previous version back online', 60_000);
    await until('the rolled_back event', async () =>
      (await core.core.db.systemEvents.list({ agentId })).some(
        (e) =>
          e.type === 'agent.update' &&
          e.subtype === 'rolled_back' &&
          eventReason.test(String(e.metadata.reason)),
      ),
    );
  }

  it('installs a good bundle, restarts on it, and the new version reports itself (hello and result)', async () => {
    publish(B.code);
    const issued = await admin.post(`/api/v1/agents/${agentId}/update`, { connectTimeoutSeconds: 120 });
    assert.equal(issued.status, 201, JSON.stringify(issued.json));
    const command = await finished(issued.json.id);
    assert.equal(command.status, 'succeeded', JSON.stringify(command.result));
    assert.equal(resultData(command).outcome, 'updated');
    assert.deepEqual(resultData(command).to, { version: B.version, sha256: sha256(B.code) });
    await until('the hello of the new version', async () => (await agentRow())?.agentVersion === B.version);
    assert.ok(
      supervisor.exits.includes(75),
      `the old version exited 75 to be restarted: ${supervisor.exits}`,
    );
    assert.equal(sha256(readFileSync(join(install, 'redflag-agent.mjs'))), sha256(B.code));
    assert.equal(sha256(readFileSync(join(install, 'redflag-agent.previous.mjs'))), sha256(A.code));
    await until('the trial files to go', () => !existsSync(join(install, 'update')));
    await until('the updated event', async () =>
      (await core.core.db.systemEvents.list({ agentId })).some(
        (e) => e.type === 'agent.update' && e.subtype === 'updated',
      ),
    );
  });

  it('refuses a bundle whose signature does not verify, reports it, and keeps running', async () => {
    publish(A.code);
    const { signatures: _signatures, ...manifest } = (await (
      await fetch(`${core.httpUrl}/api/v1/agent-bundle`)
    ).json()) as { version: string; sha256: string; size: number; url: string; signatures: unknown };
    const exitsBefore = supervisor.exits.length;
    const forger = generateKeyPair();
    const { command } = await core.core.dispatcher.issue({
      agentId,
      type: 'update_agent',
      params: {
        ...manifest,
        // The trusted key's id, another key's signature.
        keyId: core.core.keys.active().keyId,
        signature: signAgentBundle(forger.privateKey, manifest.version, manifest.sha256),
      },
      createdBy: 'test',
    });
    const done = await finished(command.id);
    assert.equal(done.status, 'rejected');
    assert.equal(resultData(done).outcome, 'refused');
    assert.match(done.error ?? '', /signature over bundle .* does not verify/);
    assert.equal(supervisor.exits.length, exitsBefore, 'the agent did not restart');
    assert.equal(sha256(readFileSync(join(install, 'redflag-agent.mjs'))), sha256(B.code));
    assert.equal((await agentRow())?.agentVersion, B.version);
  });

  it('rolls back a new version that hangs without connecting (killed when it ignores SIGTERM), and reports it', async () => {
    // It starts and answers --version, but never connects, and ignores SIGTERM: the launcher's
    // watchdog has to kill it.
    const broken = bundle(
      '0.9.0-test.3',
      "{ process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); }",
    );
    await updateAndExpectRollback(
      broken,
      10,
      /rolled back to 0\.9\.0-test\.2: the new version did not connect .* within 10 s/,
    );
    assert.equal(sha256(readFileSync(join(install, 'redflag-agent.failed.mjs'))), sha256(broken));
    await previousVersionBack(/did not connect/);
    assert.match(supervisor.output, /ignored SIGTERM for \d+ s; killing it/);
    assert.equal(
      execFileSync(join(install, 'bin/redflag-agent'), ['--version'], { encoding: 'utf8' }).trim(),
      B.version,
    );
  });

  it('rolls back a new version that crashes at start, after three crashes, and reports it', async () => {
    // It answers --version but dies at once when run. The connect timeout is long, so only the
    // launcher's crash count can explain the rollback.
    const crashing = bundle(
      '0.9.0-test.4',
      "{ console.error('0.9.0-test.4: cannot start'); process.exit(1); }",
    );
    const { exits } = await updateAndExpectRollback(
      crashing,
      600,
      /rolled back to 0\.9\.0-test\.2: the new version exited \(status 1\) 3 times without connecting/,
    );
    // The old version's restart for the update, then one restart per crash (the third one rolls back).
    assert.deepEqual(exits, [75, 75, 75, 75]);
    assert.equal(sha256(readFileSync(join(install, 'redflag-agent.failed.mjs'))), sha256(crashing));
    await previousVersionBack(/3 times without connecting/);
  });

  it('counts the connect timeout from the first start: a version that crashes late is rolled back on time', async () => {
    // Runs 8 s, then dies. Restarts must not give it a fresh 10 s each: the second run is
    // stopped at the deadline, before a third crash.
    const late = bundle('0.9.0-test.5', 'setTimeout(() => process.exit(1), 8000);');
    const { exits } = await updateAndExpectRollback(
      late,
      10,
      /the new version did not connect to the core within 10 s/,
    );
    // The update's restart, the first crash, then the rollback at the deadline.
    assert.deepEqual(exits, [75, 75, 75]);
  });
});
