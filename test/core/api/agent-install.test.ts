import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import {
  keyFingerprint,
  updateAgentParamsSchema,
  verifyAgentBundle,
} from '../../../broker/protocol/index.js';
import { adminOperations } from '../../../core/api/index.js';
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

  describe('update_agent through POST /api/v1/commands', () => {
    let agentId: string;
    let admin: ReturnType<ApiClient['bearer']>;
    let operator: ReturnType<ApiClient['bearer']>;
    const manifest = async () =>
      (await (await fetch(`${core.httpUrl}/api/v1/agent-bundle`)).json()) as {
        version: string;
        sha256: string;
        size: number;
        url: string;
      };

    before(async () => {
      const agent = await registerSimAgent(core.httpUrl, await core.createToken(), { hostname: 'upd-2' });
      agentId = agent.identity!.agentId;
      admin = api.bearer((await createTestToken(core, 'admin')).token);
      operator = api.bearer((await createTestToken(core, 'operator')).token);
    });

    it("refuses a URL, hash or signature from the caller and issues nothing: the params are the core's bundle", async () => {
      const forged = {
        version: '9.9.9',
        url: 'http://attacker.example/redflag-agent.mjs',
        sha256: 'a'.repeat(64),
        size: 1000,
        signature: 'A'.repeat(88),
        keyId: core.keys.active().keyId,
      };
      const refused = await admin.post('/api/v1/commands', { agentId, type: 'update_agent', params: forged });
      assert.equal(refused.status, 400, JSON.stringify(refused.json));
      assert.equal(refused.json.error.code, 'validation_failed');
      assert.match(
        refused.json.error.message,
        /only connectTimeoutSeconds may be given, not version, url, sha256, size, signature, keyId/,
      );
      const tooShort = await admin.post('/api/v1/commands', {
        agentId,
        type: 'update_agent',
        params: { connectTimeoutSeconds: 1 },
      });
      assert.equal(tooShort.status, 400);
      assert.match(tooShort.json.error.message, /connectTimeoutSeconds must be >= 10/);
      const history = await admin.get(`/api/v1/commands?agent=${agentId}`);
      assert.equal(history.status, 200);
      assert.deepEqual(history.json.items, [], 'nothing was issued');

      const issued = await admin.post('/api/v1/commands', {
        agentId,
        type: 'update_agent',
        params: { connectTimeoutSeconds: 45 },
      });
      assert.equal(issued.status, 201, JSON.stringify(issued.json));
      const params = issued.json.params;
      const bundle = await manifest();
      assert.ok(new Ajv().validate(updateAgentParamsSchema, params));
      assert.deepEqual(
        { version: params.version, url: params.url, sha256: params.sha256, size: params.size },
        { version: bundle.version, url: bundle.url, sha256: bundle.sha256, size: bundle.size },
      );
      assert.equal(params.connectTimeoutSeconds, 45);
      assert.equal(params.keyId, core.keys.active().keyId);
      assert.ok(
        verifyAgentBundle(core.keys.active().publicKey, params.version, params.sha256, params.signature),
      );
    });

    it("refuses update_agent on the admin socket too (its params would be the caller's)", async () => {
      await assert.rejects(
        adminOperations.commandIssue.run(core.manage, {
          params: { id: agentId },
          body: { type: 'update_agent', params: { url: 'http://attacker.example/x.mjs' } },
          by: 'test',
        }),
        (err: Error & { status?: number }) =>
          err.status === 400 && /POST \/api\/v1\/agents\/\{id\}\/update/.test(err.message),
      );
    });

    it('retries an update (admins only) with the bundle and key the core has now', async () => {
      // The update the test above issued is still active: the same work answers 409 with its id.
      const first = await admin.post('/api/v1/commands', { agentId, type: 'update_agent' });
      const id = (first.status === 409 ? first.json.error.details.commandId : first.json.id) as string;
      assert.equal((await admin.post(`/api/v1/commands/${id}/cancel`)).status, 200);
      const signedWith = (await admin.get(`/api/v1/commands/${id}`)).json.params.keyId as string;
      core.keys.rotate(24);
      assert.notEqual(core.keys.active().keyId, signedWith);

      const byOperator = await operator.post(`/api/v1/commands/${id}/retry`);
      assert.equal(byOperator.status, 403);
      const retried = await admin.post(`/api/v1/commands/${id}/retry`);
      assert.equal(retried.status, 201, JSON.stringify(retried.json));
      assert.equal(retried.json.retriedFromId, id);
      const params = retried.json.params;
      assert.equal(params.keyId, core.keys.active().keyId);
      assert.ok(
        verifyAgentBundle(core.keys.active().publicKey, params.version, params.sha256, params.signature),
      );
    });
  });
});
