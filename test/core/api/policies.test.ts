import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ScanPackage } from '../../../broker/protocol/index.js';
import { ingestScan } from '../../../core/updates/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import {
  connectAgent,
  envelope,
  listenDown,
  registerSimAgent,
  scanPackage,
  type AgentIdentity,
} from '../../helpers/sim-agent.js';
import { addTestUser, ApiClient, createTestToken } from './api-client.js';

const pkg = (name: string): ScanPackage => scanPackage(name, { currentVersion: '1', availableVersion: '2' });

describeEachDatabase('API policies, maintenance windows and schedules', (target) => {
  let core: TestCore;
  let api: ApiClient;
  let viewer: ReturnType<ApiClient['bearer']>;
  let operator: ReturnType<ApiClient['bearer']>;
  let admin: ReturnType<ApiClient['bearer']>;
  let identity: AgentIdentity;

  before(async () => {
    core = await startTestCore(target.name);
    api = new ApiClient(core.httpUrl);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
    admin = api.bearer((await createTestToken(core, 'admin')).token);
    identity = (await registerSimAgent(core.httpUrl, await core.createToken())).identity!;
    const now = new Date().toISOString();
    await ingestScan(core, identity.agentId, {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages: ['linux-image-6.1.0-27-amd64', 'curl'].map(pkg),
    });
  });
  after(() => core.close());

  const statusOf = async (name: string) =>
    (await core.db.packages.listForAgent(identity.agentId, { includeClosed: true })).find(
      (p) => p.name === name,
    )?.status;

  describe('rules', () => {
    it('lets an operator add a hold that applies at once, change it and remove it', async () => {
      const made = await operator.post('/api/v1/policies', {
        kind: 'hold',
        name: 'kernels by hand',
        match: { namePattern: 'linux-image-*' },
      });
      assert.equal(made.status, 201, JSON.stringify(made.json));
      assert.deepEqual(made.json.match, { namePattern: 'linux-image-*' });
      assert.equal(made.json.enabled, true);
      assert.equal(await statusOf('linux-image-6.1.0-27-amd64'), 'held');
      assert.equal(await statusOf('curl'), 'pending');
      const listed = await viewer.get('/api/v1/policies');
      assert.deepEqual(
        listed.json.map((p: { id: string }) => p.id),
        [made.json.id],
        JSON.stringify(listed.json),
      );

      const widened = await operator.call('PATCH', `/api/v1/policies/${made.json.id}`, {
        name: 'kernels and curl by hand',
        match: { namePattern: 'c*' },
      });
      assert.equal(widened.status, 200, JSON.stringify(widened.json));
      assert.equal(widened.json.name, 'kernels and curl by hand');
      assert.equal(await statusOf('curl'), 'held', 'a widened hold applies at once');
      const off = await operator.call('PATCH', `/api/v1/policies/${made.json.id}`, { enabled: false });
      assert.equal(off.json.enabled, false);

      assert.equal((await operator.delete(`/api/v1/policies/${made.json.id}`)).status, 204);
      assert.equal((await operator.delete(`/api/v1/policies/${made.json.id}`)).status, 404);
      const events = await viewer.get('/api/v1/events?type=policy&limit=50');
      const subtypes = events.json.items.map((e: { subtype: string }) => e.subtype);
      for (const s of ['rule_added', 'rule_changed', 'rule_removed']) assert.ok(subtypes.includes(s), s);
    });

    it('holds a host’s packages the moment a label brings it under a hold rule', async () => {
      const host = (await registerSimAgent(core.httpUrl, await core.createToken())).identity!;
      const now = new Date().toISOString();
      await ingestScan(core, host.agentId, {
        ...envelope(),
        batchId: randomUUID(),
        plugin: 'apt',
        complete: true,
        startedAt: now,
        finishedAt: now,
        packages: ['postgresql-15', 'zsh'].map(pkg),
      });
      const status = async (name: string) =>
        (await core.db.packages.listForAgent(host.agentId, { includeClosed: true })).find(
          (p) => p.name === name,
        )?.status;
      const rule = await operator.post('/api/v1/policies', {
        kind: 'hold',
        name: 'frozen hosts',
        match: { label: 'frozen', namePattern: 'postgresql-*' },
      });
      assert.equal(rule.status, 201, JSON.stringify(rule.json));
      assert.equal(await status('postgresql-15'), 'pending', 'not labelled yet');
      const labelled = await operator.put(`/api/v1/agents/${host.agentId}/labels`, { labels: ['frozen'] });
      assert.equal(labelled.status, 200, JSON.stringify(labelled.json));
      assert.equal(await status('postgresql-15'), 'held', 'held at once, not at the next scan');
      assert.equal(await status('zsh'), 'pending');
      const approve = await operator.post('/api/v1/updates/approve', {
        packages: [{ agentId: host.agentId, plugin: 'apt', name: 'postgresql-15', arch: 'amd64' }],
      });
      assert.match(approve.json.refused[0].why, /held/);
      const events = await viewer.get(`/api/v1/events?agent=${host.agentId}&type=policy`);
      const applied = events.json.items.find(
        (e: { subtype: string }) => e.subtype === 'labels_applied_rules',
      );
      assert.match(applied.message, /1 package\(s\) held or ignored/);
      assert.equal((await operator.delete(`/api/v1/policies/${rule.json.id}`)).status, 204);
    });

    it('keeps auto-approve rules for admins', async () => {
      const rule = { kind: 'auto_approve', name: 'security', match: { securityOnly: true } };
      const refused = await operator.post('/api/v1/policies', rule);
      assert.equal(refused.status, 403);
      assert.match(refused.json.error.message, /admin/);
      const made = await admin.post('/api/v1/policies', rule);
      assert.equal(made.status, 201);
      assert.equal(
        (await operator.call('PATCH', `/api/v1/policies/${made.json.id}`, { enabled: false })).status,
        403,
      );
      assert.equal((await operator.delete(`/api/v1/policies/${made.json.id}`)).status, 403);
      assert.equal((await admin.delete(`/api/v1/policies/${made.json.id}`)).status, 204);
    });

    it('refuses rules that cannot work, saying why', async () => {
      const everything = await operator.post('/api/v1/policies', { kind: 'hold', name: 'all', match: {} });
      assert.equal(everything.status, 400);
      assert.match(everything.json.error.message, /needs a namePattern, plugin or label/);
      const severities = await operator.post('/api/v1/policies', {
        kind: 'ignore',
        name: 'x',
        match: { plugin: 'apt', severities: ['high'] },
      });
      assert.equal(severities.status, 400);
      assert.match(severities.json.error.message, /auto_approve rules only/);
      for (const body of [
        { kind: 'pause', name: 'x', match: { plugin: 'apt' } },
        { kind: 'hold', name: '', match: { plugin: 'apt' } },
        { kind: 'hold', name: 'x', match: { plugin: 'apt', colour: 'red' } },
        { kind: 'hold', name: 'x' },
      ])
        assert.equal((await operator.post('/api/v1/policies', body)).status, 400, JSON.stringify(body));
      assert.equal(
        (await operator.call('PATCH', `/api/v1/policies/${randomUUID()}`, { enabled: true })).status,
        404,
      );
      assert.equal(
        (await viewer.post('/api/v1/policies', { kind: 'hold', name: 'x', match: { plugin: 'apt' } })).status,
        403,
      );
    });
  });

  describe('maintenance windows', () => {
    it('are listed, added, changed and removed; nonsense is refused with the reason', async () => {
      const made = await operator.post('/api/v1/maintenance-windows', {
        name: 'weekend nights',
        weekdays: [6, 0],
        startTime: '23:00',
        endTime: '04:00',
        timezone: 'Europe/Berlin',
      });
      assert.equal(made.status, 201, JSON.stringify(made.json));
      assert.equal(made.json.agentLabel, null);
      const badZone = await operator.call('PATCH', `/api/v1/maintenance-windows/${made.json.id}`, {
        timezone: 'Mars/Olympus',
      });
      assert.equal(badZone.status, 400);
      assert.match(badZone.json.error.message, /IANA time zone/);
      const same = await operator.call('PATCH', `/api/v1/maintenance-windows/${made.json.id}`, {
        endTime: '23:00',
      });
      assert.equal(same.status, 400);
      const off = await operator.call('PATCH', `/api/v1/maintenance-windows/${made.json.id}`, {
        enabled: false,
        agentLabel: 'db',
      });
      assert.equal(off.status, 200);
      assert.equal(off.json.enabled, false);
      assert.equal(off.json.agentLabel, 'db');
      const listed = await viewer.get('/api/v1/maintenance-windows');
      assert.equal(listed.json.find((w: { id: string }) => w.id === made.json.id).enabled, false);
      for (const body of [
        { name: 'x', weekdays: [7], startTime: '01:00', endTime: '02:00' },
        { name: 'x', weekdays: [], startTime: '01:00', endTime: '02:00' },
        { name: 'x', weekdays: [1], startTime: '25:00', endTime: '02:00' },
      ])
        assert.equal(
          (await operator.post('/api/v1/maintenance-windows', body)).status,
          400,
          JSON.stringify(body),
        );
      assert.equal((await viewer.delete(`/api/v1/maintenance-windows/${made.json.id}`)).status, 403);
      assert.equal((await operator.delete(`/api/v1/maintenance-windows/${made.json.id}`)).status, 204);
      assert.equal((await operator.delete(`/api/v1/maintenance-windows/${made.json.id}`)).status, 404);
    });
  });

  describe('schedules', () => {
    it('are pushed to connected agents as config when set, changed and removed', async () => {
      const client = await connectAgent(core.mqttUrl, identity);
      try {
        const down = await listenDown(client, identity);
        const made = await operator.post('/api/v1/schedules', {
          agentId: identity.agentId,
          plugin: 'apt',
          intervalSeconds: 7200,
        });
        assert.equal(made.status, 201, JSON.stringify(made.json));
        assert.equal(made.json.enabled, true);
        const interval = (n: number) => (m: { type: string; payload: Record<string, unknown> }) =>
          m.type === 'config' &&
          (m.payload.schedules as Record<string, { intervalSeconds: number }>).apt?.intervalSeconds === n;
        const first = await down.waitFor(interval(7200));
        const changed = await operator.call('PATCH', `/api/v1/schedules/${made.json.id}`, {
          intervalSeconds: 600,
        });
        assert.equal(changed.status, 200);
        const second = await down.waitFor(interval(600));
        assert.ok((second.payload.revision as number) > (first.payload.revision as number));
        assert.deepEqual(
          (await viewer.get('/api/v1/schedules')).json.map(
            (s: { intervalSeconds: number }) => s.intervalSeconds,
          ),
          [600],
        );
        assert.equal((await operator.delete(`/api/v1/schedules/${made.json.id}`)).status, 204);
        const cleared = await down.waitFor(
          (m) => m.type === 'config' && (m.payload.revision as number) > (second.payload.revision as number),
        );
        assert.deepEqual(cleared.payload.schedules, {}, 'the agent goes back to its defaults');
      } finally {
        client.end(true);
      }
    });

    it('push a new config to an agent whose labels change which schedules apply to it', async () => {
      const client = await connectAgent(core.mqttUrl, identity);
      try {
        const down = await listenDown(client, identity);
        const configs = () => down.received.filter((m) => m.type === 'config');
        const revisionOf = (m: { payload: Record<string, unknown> }) => m.payload.revision as number;
        const aptInterval = (m: { payload: Record<string, unknown> }) =>
          (m.payload.schedules as Record<string, { intervalSeconds: number }>).apt?.intervalSeconds;
        const labels = (list: string[]) =>
          operator.put(`/api/v1/agents/${identity.agentId}/labels`, { labels: list });

        const made = await operator.post('/api/v1/schedules', {
          agentLabel: 'canary',
          plugin: 'apt',
          intervalSeconds: 900,
        });
        assert.equal(made.status, 201);
        // The schedule is a new revision for everyone; this agent has no canary label yet.
        const before = await down.waitFor((m) => m.type === 'config');
        assert.equal(aptInterval(before), undefined);

        assert.equal((await labels(['canary'])).status, 200);
        const joined = await down.waitFor((m) => m.type === 'config' && aptInterval(m) === 900);
        assert.ok(revisionOf(joined) > revisionOf(before), 'the agent applies only a newer revision');

        // A label no schedule picks changes nothing: no new revision. Removing canary makes one.
        assert.equal((await labels(['canary', 'unscheduled'])).status, 200);
        assert.equal((await labels([])).status, 200);
        const left = await down.waitFor((m) => m.type === 'config' && revisionOf(m) > revisionOf(joined));
        assert.equal(aptInterval(left), undefined);
        // The push on subscribe races the schedule's: still, each revision arrives once, in order.
        const revisions = configs().map(revisionOf);
        assert.deepEqual(
          revisions,
          [...new Set(revisions)].sort((a, b) => a - b),
        );
        assert.equal(revisions.at(-1), revisionOf(left));
        assert.equal(revisions.filter((r) => r > revisionOf(joined)).length, 1);

        const events = await core.db.systemEvents.list({ type: 'policy' });
        assert.equal(events.filter((e) => e.subtype === 'agent_schedules_changed').length, 2);
        assert.equal((await operator.delete(`/api/v1/schedules/${made.json.id}`)).status, 204);
      } finally {
        client.end(true);
      }
    });

    it('refuses intervals outside 1 minute to 24 hours with the allowed range', async () => {
      for (const intervalSeconds of [59, 86_401, 0]) {
        const res = await operator.post('/api/v1/schedules', { plugin: 'apt', intervalSeconds });
        assert.equal(res.status, 400);
        assert.match(res.json.error.message, /from 60 \(1 minute\) to 86400 \(24 hours\)/);
      }
      const made = await operator.post('/api/v1/schedules', {
        agentLabel: 'web',
        plugin: 'dnf',
        intervalSeconds: 3600,
      });
      assert.equal(made.status, 201);
      const patched = await operator.call('PATCH', `/api/v1/schedules/${made.json.id}`, {
        intervalSeconds: 30,
      });
      assert.equal(patched.status, 400);
      assert.match(patched.json.error.message, /24 hours/);
      const both = await operator.post('/api/v1/schedules', {
        agentId: identity.agentId,
        agentLabel: 'web',
        plugin: 'apt',
        intervalSeconds: 3600,
      });
      assert.equal(both.status, 400);
      assert.equal(
        (
          await operator.post('/api/v1/schedules', {
            agentId: randomUUID(),
            plugin: 'apt',
            intervalSeconds: 3600,
          })
        ).status,
        404,
      );
      assert.equal(
        (await operator.post('/api/v1/schedules', { plugin: 'Apt!', intervalSeconds: 3600 })).status,
        400,
      );
      assert.equal(
        (await viewer.post('/api/v1/schedules', { plugin: 'apt', intervalSeconds: 3600 })).status,
        403,
      );
    });
  });

  describe('sessions', () => {
    it('refuses a cookie session without the CSRF token', async () => {
      await addTestUser(core, 'policyop', 'policy operator password', 'operator');
      const { cookie, csrfToken } = await api.login('policyop', 'policy operator password');
      const body = { kind: 'hold', name: 'docker by hand', match: { plugin: 'docker' } };
      const without = await api.call('POST', '/api/v1/policies', { body, headers: { cookie } });
      assert.equal(without.status, 403);
      assert.equal(without.json.error.code, 'csrf_failed');
      const del = await api.call('DELETE', `/api/v1/schedules/${randomUUID()}`, { headers: { cookie } });
      assert.equal(del.status, 403);
      assert.equal(del.json.error.code, 'csrf_failed');
      const ok = await api.call('POST', '/api/v1/policies', {
        body,
        headers: { cookie, 'x-csrf-token': csrfToken },
      });
      assert.equal(ok.status, 201);
      assert.equal(ok.json.createdBy, 'policyop');
    });
  });
});
