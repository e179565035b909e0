import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ScanPackage } from '../../../broker/protocol/index.js';
import type { ConfigMessage } from '../../../broker/protocol/index.js';
import { createPolicyService, PolicyError } from '../../../core/policy/index.js';
import { ingestScan } from '../../../core/updates/index.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import {
  connectAgent,
  envelope,
  listenDown,
  registerSimAgent,
  scanPackage,
} from '../../helpers/sim-agent.js';

/** A weekday that is not today in UTC: a window on it is closed now, whenever the test runs. */
const notToday = (new Date().getUTCDay() + 3) % 7;

const pkg = (name: string, severity: ScanPackage['severity'] = 'unknown', security = false): ScanPackage =>
  scanPackage(name, { currentVersion: '1', availableVersion: '2', severity, security });

describeEachDatabase('policies', (target) => {
  let core: TestCore;
  before(async () => {
    core = await startTestCore(target.name);
  });
  after(() => core.close());

  async function agentWith(packages: ScanPackage[]) {
    const identity = (await registerSimAgent(core.httpUrl, await core.createToken(1))).identity!;
    const now = new Date().toISOString();
    const scan = {
      ...envelope(),
      batchId: randomUUID(),
      plugin: 'apt',
      complete: true,
      startedAt: now,
      finishedAt: now,
      packages,
    };
    await ingestScan(core, identity.agentId, scan);
    await core.policy.afterIngest(identity.agentId, 'apt');
    const status = async (name: string) =>
      (await core.db.packages.listForAgent(identity.agentId, { includeClosed: true })).find(
        (p) => p.name === name,
      )?.status;
    return {
      identity,
      status,
      ref: (name: string) => ({ agentId: identity.agentId, plugin: 'apt', name, arch: 'amd64' }),
    };
  }

  it('holds matching packages at once, even one already approved, and never installs them', async () => {
    const host = await agentWith([pkg('linux-image-6.1.0-27-amd64'), pkg('curl')]);
    // Stop installs from starting so the approval stays visible, then add the hold rule.
    const window = await core.policy.addWindow(
      {
        name: 'never now',
        weekdays: [notToday],
        startTime: '00:00',
        endTime: '00:01',
        timezone: 'UTC',
        agentLabel: null,
      },
      'admin',
    );
    await core.workflow.approve([host.ref('linux-image-6.1.0-27-amd64')], 'admin');
    assert.equal(await host.status('linux-image-6.1.0-27-amd64'), 'approved');
    await core.policy.addRule(
      { kind: 'hold', name: 'kernels by hand', match: { namePattern: 'linux-image-*' } },
      'admin',
    );
    assert.equal(await host.status('linux-image-6.1.0-27-amd64'), 'held');
    assert.equal(await host.status('curl'), 'pending');
    const { refused } = await core.workflow.approve([host.ref('linux-image-6.1.0-27-amd64')], 'admin');
    assert.match(refused[0]!.why, /held packages are never installed/);
    await core.db.policies.removeWindow(window.id);
  });

  it('ignores what an ignore rule matches, on the next scan too', async () => {
    await core.policy.addRule({ kind: 'ignore', name: 'no docs', match: { namePattern: '*-doc' } }, 'admin');
    const host = await agentWith([pkg('python3-doc'), pkg('python3')]);
    assert.equal(await host.status('python3-doc'), 'ignored');
    assert.equal(await host.status('python3'), 'pending');
  });

  it('auto-approves only what its rule matches, which starts a dry run', async () => {
    await core.policy.addRule(
      {
        kind: 'auto_approve',
        name: 'security highs',
        match: { severities: ['critical', 'high'], securityOnly: true },
      },
      'admin',
    );
    const host = await agentWith([
      pkg('openssl', 'high', true),
      pkg('bash', 'high', false),
      pkg('tzdata', 'low', true),
    ]);
    assert.equal(await host.status('openssl'), 'checking_dependencies');
    assert.equal(await host.status('bash'), 'pending');
    assert.equal(await host.status('tzdata'), 'pending');
    const [dryRun] = await core.db.commands.listForAgent(host.identity.agentId);
    assert.equal(dryRun?.type, 'dry_run');
    assert.equal(dryRun?.source, 'policy');
    const events = await core.db.systemEvents.list({ type: 'policy', agentId: host.identity.agentId });
    assert.ok(events.some((e) => e.subtype === 'auto_approved'));
  });

  it('keeps approved updates waiting outside a maintenance window', async () => {
    const window = await core.policy.addWindow(
      {
        name: 'sunday 00:00',
        weekdays: [notToday],
        startTime: '00:00',
        endTime: '00:01',
        timezone: 'UTC',
        agentLabel: null,
      },
      'admin',
    );
    try {
      const host = await agentWith([pkg('nginx')]);
      await core.workflow.approve([host.ref('nginx')], 'admin');
      assert.equal(await host.status('nginx'), 'approved');
      assert.deepEqual(await core.db.commands.listForAgent(host.identity.agentId), []);
    } finally {
      await core.db.policies.removeWindow(window.id);
    }
  });

  it('refuses rules and schedules that cannot work, saying why', async () => {
    await assert.rejects(
      core.policy.addRule({ kind: 'hold', name: 'everything', match: {} }, 'admin'),
      (err) => err instanceof PolicyError && /needs a namePattern, plugin or label/.test(err.message),
    );
    await assert.rejects(
      core.policy.setSchedule(
        { agentId: null, agentLabel: null, plugin: 'apt', intervalSeconds: 10, enabled: true },
        'admin',
      ),
      /from 60 \(1 minute\) to 86400 \(24 hours\), got 10/,
    );
  });

  it('pushes scan schedules to connected agents as a config message, and again when they reconnect', async () => {
    const identity = (await registerSimAgent(core.httpUrl, await core.createToken(1))).identity!;
    const client = await connectAgent(core.mqttUrl, identity);
    try {
      const down = await listenDown(client, identity);
      await core.policy.setSchedule(
        { agentId: identity.agentId, agentLabel: null, plugin: 'apt', intervalSeconds: 7200, enabled: true },
        'admin',
      );
      const config = await down.waitFor(
        (m) =>
          m.type === 'config' &&
          (m.payload.schedules as Record<string, { intervalSeconds: number }>).apt?.intervalSeconds === 7200,
      );
      assert.ok((config.payload.revision as number) >= 2);
    } finally {
      client.end(true);
    }
    const again = await connectAgent(core.mqttUrl, identity);
    try {
      const down = await listenDown(again, identity);
      const config = await down.waitFor((m) => m.type === 'config');
      assert.deepEqual(config.payload.schedules, { apt: { enabled: true, intervalSeconds: 7200 } });
    } finally {
      again.end(true);
    }
  });

  it('never sends an agent an older config revision, nor keeps schedules that a change replaced', async () => {
    // A push on (re)subscribe that loads the schedules while an admin adds one: the load ends
    // after the change. Held here with a gate on the real database's schedules query.
    let hold: { gate: Promise<void>; reached: () => void } | null = null;
    const policies = new Proxy(core.db.policies, {
      get: (target, key, receiver) =>
        key === 'schedules'
          ? async () => {
              const held = hold;
              hold = null;
              held?.reached();
              const rows = await target.schedules();
              await held?.gate;
              return rows;
            }
          : Reflect.get(target, key, receiver),
    });
    const db = new Proxy(core.db, {
      get: (target, key, receiver) => (key === 'policies' ? policies : Reflect.get(target, key, receiver)),
    });
    const sent: ConfigMessage[] = [];
    const agentId = (await registerSimAgent(core.httpUrl, await core.createToken(1))).identity!.agentId;
    await core.policy.setSchedule(
      { agentId, agentLabel: null, plugin: 'apt', intervalSeconds: 3600, enabled: true },
      'admin',
    );
    // A service that has not loaded the schedules yet, as after a start.
    const policy = createPolicyService({
      db,
      events: core.events,
      approve: async () => undefined,
      sendConfig: async (_id, config) => void sent.push(config),
      isConnected: (id) => id === agentId,
    });
    let release!: () => void;
    let reached!: () => void;
    const loading = new Promise<void>((resolve) => (reached = resolve));
    hold = { gate: new Promise((resolve) => (release = resolve)), reached };
    const late = policy.pushConfig(agentId);
    await loading;
    await policy.setSchedule(
      { agentId, agentLabel: null, plugin: 'dnf', intervalSeconds: 600, enabled: true },
      'admin',
    );
    release();
    await late;
    const revisions = sent.map((c) => c.revision);
    assert.deepEqual(
      revisions,
      [...new Set(revisions)].sort((a, b) => a - b),
      'revisions only go up',
    );
    const last = sent.at(-1)!;
    assert.ok(last.schedules.dnf, 'the agent ends with the schedule added during the late push');
    // The late load is not kept: a later reconnect gets the current schedules too.
    policy.agentDisconnected(agentId);
    await policy.pushConfig(agentId);
    assert.deepEqual(Object.keys(sent.at(-1)!.schedules).sort(), ['apt', 'dnf']);
    assert.equal(sent.at(-1)!.revision, last.revision);
  });
});
