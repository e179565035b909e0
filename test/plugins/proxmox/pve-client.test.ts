import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createPveClient, type EndpointConfig } from '../../../plugins/proxmox/pve-client.js';
import { PveError } from '../../../plugins/proxmox/pve-errors.js';
import { systemClock } from '../../../plugins/sdk/index.js';
import { type FakeCluster, type PveStandIn, startPveStandIn } from './pve-stand-in.js';

const TOKEN_ID = 'redflag@pve!discovery';
const SECRET = '5f0c7a1e-8d2b-4c3a-9e6f-1a2b3c4d5e6f';

const cluster: FakeCluster = {
  name: 'home',
  nodes: [{ name: 'pve1', ip: '10.0.0.11', guests: [] }],
};

function endpoint(standIn: PveStandIn, overrides: Partial<EndpointConfig> = {}): EndpointConfig {
  return {
    name: 'home',
    url: standIn.url,
    tokenId: TOKEN_ID,
    fingerprint: standIn.fingerprint,
    timeoutMs: 5000,
    retries: 2,
    retryDelayMs: 1,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<PveError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof PveError, `expected a PveError, got ${String(err)}`);
    assert.ok(!err.message.includes(SECRET), 'the secret is in the message');
    return err;
  }
  assert.fail('expected a failure');
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('proxmox: the PVE API client', () => {
  let standIn: PveStandIn;

  before(async () => {
    standIn = await startPveStandIn(cluster, {
      tokenId: TOKEN_ID,
      secret: SECRET,
      denied: { '/cluster/status': { aclPath: '/', privilege: 'Sys.Audit' } },
      faults: { '/html': 'html', '/nodes': 'truncated', '/cluster/resources': 'unavailable' },
    });
  });
  after(async () => {
    assert.deepEqual(standIn.violations, [], 'the stand-in served answers outside the published schema');
    await standIn.close();
  });

  it('reads an endpoint whose self-signed certificate is pinned by fingerprint', async () => {
    const client = createPveClient(endpoint(standIn), SECRET, systemClock);
    assert.deepEqual(await client.get('/version'), { version: '9.1.3', release: '9.1', repoid: 'e5010dce' });
    client.close();
  });

  it('reads an endpoint trusted through a CA file', async () => {
    const client = createPveClient(
      endpoint(standIn, { fingerprint: undefined, caFile: standIn.caFile }),
      SECRET,
      systemClock,
    );
    assert.equal((await client.get('/version')) instanceof Object, true);
    client.close();
  });

  it('refuses a certificate that does not match the pinned fingerprint, before sending the token', async () => {
    const before = standIn.requests.length;
    const wrong = standIn.fingerprint.replace(/^../, standIn.fingerprint.startsWith('AA') ? 'BB' : 'AA');
    const client = createPveClient(endpoint(standIn, { fingerprint: wrong }), SECRET, systemClock);
    const err = await failure(client.get('/version'));
    assert.equal(err.code, 'pve_certificate');
    assert.match(err.message, /proxmox endpoint home: GET \/version: .*fingerprint .* pins/);
    assert.equal(standIn.requests.length, before, 'a request reached the server');
    client.close();
  });

  it('refuses an untrusted certificate when nothing is pinned, saying how to fix it', async () => {
    const client = createPveClient(endpoint(standIn, { fingerprint: undefined }), SECRET, systemClock);
    const err = await failure(client.get('/version'));
    assert.equal(err.code, 'pve_certificate');
    assert.match(err.message, /not trusted .*pin its fingerprint or give caFile/);
    client.close();
  });

  it('says the token was refused, naming it but never its secret', async () => {
    const client = createPveClient(endpoint(standIn), 'not-the-secret', systemClock);
    const err = await failure(client.get('/version'));
    assert.equal(err.code, 'pve_auth');
    assert.match(err.message, /the API token redflag@pve!discovery was refused \(401/);
    client.close();
  });

  it('names the ACL path and the privilege a 403 says is missing', async () => {
    const client = createPveClient(endpoint(standIn), SECRET, systemClock);
    const err = await failure(client.get('/cluster/status'));
    assert.equal(err.code, 'pve_privilege');
    assert.match(err.message, /GET \/cluster\/status: the token redflag@pve!discovery lacks Sys.Audit on \//);
    assert.deepEqual(err.details, { path: '/', privilege: 'Sys.Audit' });
    client.close();
  });

  it('reports an HTML page from a proxy and truncated JSON as malformed, naming the path', async () => {
    const client = createPveClient(endpoint(standIn), SECRET, systemClock);
    const html = await failure(client.get('/html'));
    assert.equal(html.code, 'pve_malformed');
    assert.match(html.message, /GET \/html: the answer is not JSON \(text\/html/);
    const cut = await failure(client.get('/nodes'));
    assert.equal(cut.code, 'pve_malformed');
    assert.match(cut.message, /GET \/nodes: the answer is not JSON/);
    client.close();
  });

  it('retries a busy proxy with backoff, then gives up with the status', async () => {
    const client = createPveClient(endpoint(standIn, { retries: 2 }), SECRET, systemClock);
    const before = standIn.requests.filter((r) => r.startsWith('/cluster/resources')).length;
    const err = await failure(client.get('/cluster/resources?type=vm'));
    assert.equal(err.code, 'pve_http');
    assert.match(err.message, /HTTP 503/);
    const after = standIn.requests.filter((r) => r.startsWith('/cluster/resources')).length;
    assert.equal(after - before, 3, 'one request and two retries');
    client.close();
  });

  it('says an endpoint is unreachable after its retries', async () => {
    const port = await closedPort();
    const client = createPveClient(
      endpoint(standIn, { url: `https://127.0.0.1:${port}`, retries: 1 }),
      SECRET,
      systemClock,
    );
    const err = await failure(client.get('/version'));
    assert.equal(err.code, 'pve_unreachable');
    assert.match(err.message, new RegExp(`127.0.0.1:${port} unreachable \\(ECONNREFUSED\\)`));
    assert.equal(client.requests, 2);
    client.close();
  });
});
