import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentHandle } from '../../../agent/daemon.js';
import { readDaemonStatus } from '../../../agent/state/daemon-status.js';
import { requireOrSkip } from '../../plugins/apt/helpers/requirements.js';
import { freePort, tempDir } from '../../helpers/cli.js';
import { fakeMachineId, nextEvent, startTestAgent, until } from '../helpers/agent-fixture.js';
import { runAgentCli } from '../helpers/agent-cli.js';
import { RestartableCore } from '../helpers/restartable-core.js';
import { testPackageManager } from '../helpers/test-plugin.js';

describe('agent connection over TLS (the core on mqtts://, a self-signed certificate)', function () {
  this.timeout(60_000);
  let core: RestartableCore;
  let dir: { path: string; remove(): void };
  let cert: string;
  const agents: AgentHandle[] = [];

  before(async function () {
    requireOrSkip(this, { commands: ['openssl'] }, 'the certificate is made with openssl');
    dir = tempDir('rf-agent-tls-');
    cert = join(dir.path, 'cert.pem');
    const key = join(dir.path, 'key.pem');
    const res = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=redflag-agent-test', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
    ], { encoding: 'utf8' }); // prettier-ignore
    assert.equal(res.status, 0, res.stderr);
    const tlsPort = await freePort();
    core = await RestartableCore.start((config) => {
      config.broker.tls = { port: tlsPort, cert, key };
    });
  });
  afterEach(async () => {
    for (const a of agents.splice(0)) await a.stop();
  });
  after(async () => {
    await core?.close();
    dir?.remove();
  });

  it('registers with --ca, verifies the broker against it and connects over mqtts://', async () => {
    const configPath = join(dir.path, 'agent.json');
    const stateDir = join(dir.path, 'state');
    const token = await core.createToken();
    const res = await runAgentCli([
      'register', '--server', core.httpUrl, '--token', token, '--ca', cert,
      '--machine-id-file', fakeMachineId(dir.path), '--config', configPath, '--state-dir', stateDir, '--json',
    ]); // prettier-ignore
    assert.equal(res.code, 0, res.stderr);
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    assert.match(config.server.brokerUrl, /^mqtts:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(config.server.tlsCa, readFileSync(cert, 'utf8'));
    const agent = await startTestAgent({ configPath, stateDir }, [testPackageManager().entry]);
    agents.push(agent);
    await nextEvent(agent.events, 'online');
    assert.equal(await agent.sendMetrics(), true);
  });

  it('refuses a broker it cannot verify, and says why in status', async () => {
    const configPath = join(dir.path, 'agent.json');
    const untrusting = join(dir.path, 'untrusting.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    delete config.server.tlsCa;
    writeFileSync(untrusting, JSON.stringify(config), { mode: 0o600 });
    const stateDir = join(dir.path, 'state-untrusting');
    const agent = await startTestAgent({ configPath: untrusting, stateDir }, [testPackageManager().entry]);
    agents.push(agent);
    const status = await until('a connection error in the status', async () => {
      const s = await readDaemonStatus(stateDir);
      return s?.connection.lastError ? s : null;
    });
    assert.equal(status.connection.state, 'connecting');
    assert.match(status.connection.lastError!, /self[- ]signed certificate/);
    assert.equal(agent.online, false);
  });
});
