import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import {
  keyFingerprint,
  updateAgentParamsSchema,
  verifyAgentBundle,
} from '../../../broker/protocol/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { registerSimAgent } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from './api-client.js';

describe('agent install routes (install.sh, the bundle, agent updates)', function () {
  this.timeout(60_000);
  let core: TestCore;
  let api: ApiClient;

  before(async () => {
    core = await startTestCore('PGlite');
    api = new ApiClient(core.httpUrl);
  });
  after(() => core.close());

  it('serves install.sh with the URL the host used written in, without authentication', async () => {
    const res = await fetch(`${core.httpUrl}/install.sh`);
    assert.equal(res.status, 200);
    const script = await res.text();
    assert.match(script, /^#!\/bin\/sh\n/);
    assert.ok(script.includes(`SERVER_URL='${core.httpUrl}'`), 'the server URL is filled in');
    assert.ok(!script.includes('@@REDFLAG_SERVER_URL@@'));
  });

  it('serves the bundle and a manifest whose signature verifies with the server key', async () => {
    const manifest = (await (await fetch(`${core.httpUrl}/api/v1/agent-bundle`)).json()) as {
      version: string;
      sha256: string;
      size: number;
      url: string;
      signatures: Array<{ keyId: string; publicKey: string; signature: string }>;
    };
    const bundle = Buffer.from(await (await fetch(`${core.httpUrl}${manifest.url}`)).arrayBuffer());
    assert.equal(bundle.length, manifest.size);
    assert.equal(createHash('sha256').update(bundle).digest('hex'), manifest.sha256);
    assert.match(bundle.toString('utf8', 0, 100), new RegExp(`^// redflag-agent ${manifest.version} `));
    const active = core.keys.active();
    assert.equal(manifest.signatures[0]!.keyId, active.keyId);
    assert.equal(keyFingerprint(manifest.signatures[0]!.publicKey), active.keyId);
    assert.ok(
      verifyAgentBundle(
        active.publicKey,
        manifest.version,
        manifest.sha256,
        manifest.signatures[0]!.signature,
      ),
    );
    assert.ok(
      !verifyAgentBundle(active.publicKey, '9.9.9', manifest.sha256, manifest.signatures[0]!.signature),
    );
  });

  it('signs with every key that still verifies after a rotation (a token made before it still installs)', async () => {
    const before = core.keys.active().keyId;
    core.keys.rotate(24);
    const manifest = (await (await fetch(`${core.httpUrl}/api/v1/agent-bundle`)).json()) as {
      signatures: Array<{ keyId: string }>;
    };
    assert.deepEqual(
      manifest.signatures.map((s) => s.keyId),
      [core.keys.active().keyId, before],
    );
  });

  it('issues update_agent (admins only) with the bundle params the protocol schema accepts, signed', async () => {
    const agent = await registerSimAgent(core.httpUrl, await core.createToken(), { hostname: 'upd-1' });
    const agentId = agent.identity!.agentId;
    const operator = api.bearer((await createTestToken(core, 'operator')).token);
    const admin = api.bearer((await createTestToken(core, 'admin')).token);
    assert.equal((await operator.post(`/api/v1/agents/${agentId}/update`, {})).status, 403);

    const res = await admin.post(`/api/v1/agents/${agentId}/update`, { connectTimeoutSeconds: 30 });
    assert.equal(res.status, 201, JSON.stringify(res.json));
    assert.equal(res.json.type, 'update_agent');
    const params = res.json.params;
    assert.ok(new Ajv().validate(updateAgentParamsSchema, params));
    assert.equal(params.connectTimeoutSeconds, 30);
    assert.equal(params.keyId, core.keys.active().keyId);
    assert.ok(
      verifyAgentBundle(core.keys.active().publicKey, params.version, params.sha256, params.signature),
    );

    // One update at a time per agent.
    const again = await admin.post(`/api/v1/agents/${agentId}/update`, {});
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'duplicate_command');

    assert.equal(
      (await admin.post('/api/v1/agents/00000000-0000-4000-8000-000000000000/update', {})).status,
      404,
    );
  });
});
