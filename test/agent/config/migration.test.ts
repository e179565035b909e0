import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RegisteredConfig } from '../../../agent/config/agent-config.js';
import { AgentStartError, type AgentHandle } from '../../../agent/daemon.js';
import type { SystemEvent } from '../../../core/db/index.js';
import { cleanEnv } from '../../helpers/cli.js';
import { type AgentFiles, nextEvent, startTestAgent, until } from '../helpers/agent-fixture.js';
import { realCoreSuite } from '../helpers/real-core-suite.js';
import type { RestartableCore } from '../helpers/restartable-core.js';
import { testPackageManager } from '../helpers/test-plugin.js';

const AGENT_BIN = new URL('../../../bin/redflag-agent.js', import.meta.url).pathname;

/** The pre-release agent's format 1, for the identity `config` holds. */
function formatOne(config: RegisteredConfig, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    server_url: config.server.url,
    broker_url: config.server.brokerUrl,
    topic_prefix: config.server.topicPrefix,
    agent_id: config.identity.agentId,
    private_key: config.identity.privateKey,
    server_public_key: Object.values(config.serverKeys)[0],
    scan_interval_minutes: 30,
    allow_reboot: false,
    plugins: { testpm: {} },
    ...extra,
  };
}

describe('agent config migration, reported to the real core', function () {
  this.timeout(60_000);
  const suite = realCoreSuite('rf-agent-migrate-');
  let core: RestartableCore;
  before(() => (core = suite.core));
  const boundToThisMachine: string[] = [];

  async function legacyAgent(
    extra: Record<string, unknown> = {},
  ): Promise<{ files: AgentFiles; original: string }> {
    const files = await suite.enrol();
    // Format 1 names no machine-id file: the migrated agent hashes /etc/machine-id, this test
    // agent registered from a fake one (many share this machine). Its first hello would be a
    // copied identity (issue 21 §5); a rebind lets that hello bind it, as an admin would. A
    // machine has one active agent: the one an earlier test bound to it makes way.
    for (const id of boundToThisMachine.splice(0)) await core.core.db.agents.revoke(id);
    assert.ok(await core.core.db.agents.allowRebind(files.agentId, new Date(Date.now() + 3600_000)));
    boundToThisMachine.push(files.agentId);
    const registered = JSON.parse(readFileSync(files.configPath, 'utf8')) as RegisteredConfig;
    const original = `${JSON.stringify(formatOne(registered, extra), null, 2)}\n`;
    writeFileSync(files.configPath, original, { mode: 0o600 });
    return { files, original };
  }

  function start(files: AgentFiles): Promise<AgentHandle> {
    return suite.start(files, [testPackageManager().entry]);
  }

  function migrationEvents(agentId: string): Promise<SystemEvent[]> {
    return core.core.db.systemEvents.list({ agentId, type: 'agent.migration' });
  }

  it('success: format 1 becomes format 2, the old file is kept, the core gets the outcome with its context', async () => {
    const { files, original } = await legacyAgent();
    const agent = await start(files);
    await nextEvent(agent.events, 'online');
    const migrated = JSON.parse(readFileSync(files.configPath, 'utf8'));
    assert.equal(migrated.formatVersion, 2);
    assert.equal(migrated.identity.agentId, files.agentId);
    assert.equal(migrated.scans.defaultIntervalSeconds, 1800);
    assert.equal(statSync(files.configPath).mode & 0o777, 0o600);
    assert.equal(
      readFileSync(`${files.configPath}.v1.bak`, 'utf8'),
      original,
      'the old file is kept as it was',
    );
    const event = await until('the migration event at the core', () =>
      migrationEvents(files.agentId).then((e) => e[0]),
    );
    assert.equal(event.severity, 'info');
    assert.equal(event.subtype, 'config');
    assert.match(event.message, /migrated the agent configuration from format 1 to format 2/);
    assert.deepEqual([event.metadata.status, event.metadata.from, event.metadata.to], ['success', 1, 2]);
    assert.equal(event.metadata.backup, `${files.configPath}.v1.bak`);
    const system = event.metadata.system as Record<string, unknown>;
    assert.ok(system.agentVersion && system.hostname && system.node && system.os, JSON.stringify(system));
  });

  it('partial: what cannot be carried over is left out and named; the agent runs', async () => {
    const { files } = await legacyAgent({ scan_interval_minutes: 'hourly', colour: 'red' });
    const agent = await start(files);
    await nextEvent(agent.events, 'online');
    const event = await until('the migration event', () => migrationEvents(files.agentId).then((e) => e[0]));
    assert.equal(event.severity, 'warning');
    assert.deepEqual([event.metadata.status, event.metadata.from, event.metadata.to], ['partial', 1, 2]);
    assert.deepEqual(event.metadata.dropped, ['scan_interval_minutes', 'colour']);
    assert.match(event.message, /leaving out: scan_interval_minutes, colour/);
    assert.equal(JSON.parse(readFileSync(files.configPath, 'utf8')).scans.defaultIntervalSeconds, 3600);
  });

  it('failure: a corrupt file is left exactly as it was, the agent does not start, and the failure reaches the core after re-registration', async () => {
    const { files, original } = await legacyAgent({ private_key: 'garbage' });
    await assert.rejects(start(files), (err: unknown) => {
      assert.ok(err instanceof AgentStartError);
      assert.equal(err.exitCode, 5);
      assert.match(err.message, /private_key is missing or not an Ed25519 private key.*left as it is/);
      return true;
    });
    assert.equal(readFileSync(files.configPath, 'utf8'), original);
    assert.ok(!existsSync(`${files.configPath}.v1.bak`));
    // A service manager restarting it does not pile up copies of the same failure.
    await assert.rejects(start(files), AgentStartError);
    assert.equal(readdirSync(join(files.stateDir, 'spool')).filter((n) => n.includes('.event.')).length, 1);

    // The admin enrols the host again; the unreadable file is kept beside the new one.
    const register = await runAgent(
      [
        'register',
        '--server',
        core.httpUrl,
        '--token',
        await core.createToken(),
        '--config',
        files.configPath,
        '--state-dir',
        files.stateDir,
        '--machine-id-file',
        join(files.dir, 'machine-id-2'),
        '--force',
        '--json',
      ],
      () => writeFileSync(join(files.dir, 'machine-id-2'), 'another-machine\n'),
    );
    assert.equal(register.code, 0, register.stderr);
    const kept = readdirSync(files.dir).find((n) => n.startsWith('agent.json.broken-'));
    assert.ok(kept, register.stderr);
    assert.equal(readFileSync(join(files.dir, kept), 'utf8'), original);
    const newId = (JSON.parse(register.stdout) as { agentId: string }).agentId;

    const agent = await start(files);
    await nextEvent(agent.events, 'online');
    const event = await until('the failure at the core', () =>
      migrationEvents(newId).then((e) => e.find((x) => x.metadata.status === 'failed')),
    );
    assert.equal(event.severity, 'error');
    assert.deepEqual([event.metadata.from, event.metadata.to], [1, 2]);
    assert.match(String(event.metadata.error), /private_key is missing or not an Ed25519 private key/);
  });

  it('failure: unreadable JSON and a newer format are refused the same way, file untouched', async () => {
    const dir = suite.dir();
    const files = {
      dir,
      configPath: join(dir, 'agent.json'),
      stateDir: join(dir, 'state'),
    };
    for (const [text, why] of [
      ['{"version": 1, "agent_id": "trunc', /not valid JSON/],
      ['{"formatVersion": 3}\n', /config format 3 was written by a newer agent/],
    ] as const) {
      writeFileSync(files.configPath, text);
      await assert.rejects(
        startTestAgent(files, []),
        (err: unknown) => err instanceof AgentStartError && err.exitCode === 5 && why.test(err.message),
      );
      assert.equal(readFileSync(files.configPath, 'utf8'), text);
    }
  });

  it('not needed: a current file is reported once per agent version, not on every start', async () => {
    const files = await suite.enrol();
    let agent = await start(files);
    await nextEvent(agent.events, 'online');
    const event = await until('the event', () => migrationEvents(files.agentId).then((e) => e[0]));
    assert.deepEqual([event.metadata.status, event.metadata.from, event.metadata.to], ['not_needed', 2, 2]);
    await until('its receipt', () => agent.spool.depth === 0);
    await agent.stop();
    agent = await start(files);
    await nextEvent(agent.events, 'online');
    assert.equal(agent.spool.list().filter((e) => e.type === 'event').length, 0);
    assert.equal((await migrationEvents(files.agentId)).length, 1);
  });
});

function runAgent(
  args: string[],
  before: () => void = () => {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  before();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AGENT_BIN, ...args], { env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
