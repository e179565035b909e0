import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, tempDir } from '../helpers/cli.js';
import { startTestCore, type TestCore } from '../helpers/core.js';
import { type AgentIdentity, connectAgent, connectPassword, registerSimAgent } from '../helpers/sim-agent.js';

/** A self-signed certificate for 127.0.0.1, made with openssl for this run. */
function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const res = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=redflag-test',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { encoding: 'utf8' },
  );
  if (res.error || res.status !== 0)
    throw new Error(`openssl failed (package openssl): ${res.error ?? res.stderr}`);
  return { cert, key };
}

describe('broker listeners: TLS and WebSocket', function () {
  this.timeout(30000);
  const dir = tempDir();
  let core: TestCore;
  let agent: AgentIdentity;
  let cert: { cert: string; key: string };

  before(async () => {
    cert = makeCertificate(dir.path);
    const tlsPort = await freePort();
    const wsPort = await freePort();
    core = await startTestCore('PGlite', (config) => {
      config.broker.tls = { port: tlsPort, cert: cert.cert, key: cert.key };
      config.broker.websocket = { port: wsPort };
    });
    const registered = await registerSimAgent(core.httpUrl, await core.createToken(1));
    agent = registered.identity!;
    assert.equal(
      registered.body.brokerUrl,
      `mqtts://127.0.0.1:${tlsPort}`,
      'enrollment should hand out the TLS listener',
    );
  });
  after(async () => {
    await core?.close();
    dir.remove();
  });

  it('accepts an agent over TLS that verifies the certificate, and refuses a bad password there too', async () => {
    const url = `mqtts://127.0.0.1:${core.broker.ports.tls}`;
    const ca = readFileSync(cert.cert);
    const client = await connectAgent(url, agent, { tls: { ca } });
    assert.ok(client.connected);
    client.end(true);
    const forged = connectPassword({
      ...agent,
      privateKey: (await import('../../broker/protocol/index.js')).generateKeyPair().privateKey,
    });
    await assert.rejects(
      connectAgent(url, agent, { tls: { ca }, password: forged }),
      (err) => (err as { code?: number }).code === 4,
    );
  });

  it('accepts an agent over WebSocket', async () => {
    const client = await connectAgent(`ws://127.0.0.1:${core.broker.ports.websocket}/mqtt`, agent);
    assert.ok(client.connected);
    client.end(true);
  });
});
