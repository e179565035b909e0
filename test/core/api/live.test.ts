import assert from 'node:assert/strict';
import type { MqttClient } from 'mqtt';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { pgUrl, withPgClient } from '../../helpers/databases.js';
import { LiveTestClient, RefusedUpgrade } from '../../helpers/live-client.js';
import {
  type AgentIdentity,
  connectAgent,
  envelope,
  listenDown,
  publishUp,
  registerSimAgent,
} from '../../helpers/sim-agent.js';
import { addTestUser, ApiClient, createTestToken } from './api-client.js';

const OUTPUT_CAP = 50;

async function refusal(promise: Promise<unknown>): Promise<RefusedUpgrade> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RefusedUpgrade) return err;
    throw err;
  }
  assert.fail('the upgrade was accepted');
}

/** A simulated agent on the real broker that runs one command: ack, numbered lines, result. */
async function runCommand(
  agent: { client: MqttClient; identity: AgentIdentity },
  commandId: string,
  lines: number,
) {
  const startedAt = new Date().toISOString();
  for (let seq = 0; seq < lines; seq++)
    await publishUp(agent.client, agent.identity, 'progress', {
      ...envelope(),
      commandId,
      seq,
      stream: seq % 7 === 3 ? 'stderr' : 'stdout',
      line: `line ${seq} of ${commandId.slice(0, 8)}`,
      percent: Math.round((seq / lines) * 100),
    });
  await publishUp(agent.client, agent.identity, 'result', {
    ...envelope(),
    commandId,
    status: 'succeeded',
    startedAt,
    finishedAt: new Date().toISOString(),
    exitCode: 0,
    output: 'done',
  });
}

/** Issue 5 §3: GET /api/v1/live over a real WebSocket against a real core, broker and agents. */
describe('live event stream (GET /api/v1/live)', () => {
  let core: TestCore;
  let api: ApiClient;
  let viewerToken: string;
  let operatorToken: string;
  let cookie: string;
  const agents: Array<{ client: MqttClient; identity: AgentIdentity }> = [];
  const open: LiveTestClient[] = [];

  const bearer = (token = viewerToken) => ({ authorization: `Bearer ${token}` });
  const connect = async (opts: Parameters<typeof LiveTestClient.open>[1] = {}) => {
    const client = await LiveTestClient.open(core.httpUrl, { headers: bearer(), ...opts });
    open.push(client);
    await client.waitFor((m) => m.type === 'subscribed', 'subscribed');
    return client;
  };
  const newAgent = async () => {
    const { identity } = await registerSimAgent(core.httpUrl, await core.createToken(1));
    return identity!;
  };
  const online = async (identity: AgentIdentity) => {
    const client = await connectAgent(core.mqttUrl, identity);
    await listenDown(client, identity);
    const agent = { client, identity };
    agents.push(agent);
    return agent;
  };

  before(async function () {
    this.timeout(180_000); // starting a core on a loaded 2-core machine
    core = await startTestCore('PGlite', (config) => {
      config.commands.outputMaxLines = OUTPUT_CAP;
    });
    api = new ApiClient(core.httpUrl);
    viewerToken = (await createTestToken(core, 'viewer')).token;
    operatorToken = (await createTestToken(core, 'operator')).token;
    await addTestUser(core, 'watcher', 'a long enough password', 'viewer');
    cookie = (await api.login('watcher', 'a long enough password')).cookie;
  });
  after(async () => {
    for (const c of open) c.close();
    for (const a of agents) await a.client.endAsync();
    await core.close();
  });

  describe('access', () => {
    it('refuses an anonymous upgrade with 401', async () => {
      const refused = await refusal(LiveTestClient.open(core.httpUrl));
      assert.equal(refused.status, 401);
      assert.equal(JSON.parse(refused.body).error.code, 'unauthenticated');
    });

    it('refuses a wrong bearer token with 401', async () => {
      const refused = await refusal(LiveTestClient.open(core.httpUrl, { headers: bearer('rf_nope') }));
      assert.equal(refused.status, 401);
    });

    it('accepts a bearer token and says hello with the stream id and last event id', async () => {
      const client = await connect();
      const hello = client.messages[0]!;
      assert.equal(hello.type, 'hello');
      assert.match(hello.stream, /^[0-9a-f-]{36}$/);
      assert.equal(typeof hello.lastId, 'number');
      assert.equal(hello.caller.role, 'viewer');
      assert.ok(hello.kinds.includes('command.output'));
    });

    it('accepts the session cookie from a page of this server (Origin = Host)', async () => {
      const client = await connect({ headers: { cookie, origin: core.httpUrl } });
      assert.equal(client.messages[0]!.caller.name, 'watcher');
    });

    it('refuses a cookie-authenticated upgrade from another site (cross-site WebSocket hijacking)', async () => {
      const refused = await refusal(
        LiveTestClient.open(core.httpUrl, { headers: { cookie, origin: 'https://evil.example' } }),
      );
      assert.equal(refused.status, 403);
      assert.equal(JSON.parse(refused.body).error.code, 'bad_origin');
      const events = await core.db.systemEvents.list({ type: 'security' });
      assert.ok(events.some((e) => e.subtype === 'websocket_origin_refused'));
    });

    it('answers 426 to a plain GET', async () => {
      const res = await api.bearer(viewerToken).get('/api/v1/live');
      assert.equal(res.status, 426);
      assert.equal(res.json.error.code, 'upgrade_required');
    });

    it('answers a bad message with an error and keeps the stream open', async () => {
      const client = await connect();
      client.send({ type: 'subscribe', kinds: ['no.such.kind'] });
      const error = await client.waitFor((m) => m.type === 'error', 'error');
      assert.equal(error.error.code, 'bad_message');
      client.send({ type: 'ping' });
      await client.waitFor((m) => m.type === 'pong', 'pong');
    });
  });

  describe('events', () => {
    it('announces agent online and offline as the agent connects and disconnects', async () => {
      const identity = await newAgent();
      const client = await connect({ query: `agents=${identity.agentId}&kinds=agent.online,agent.offline` });
      const agent = await connectAgent(core.mqttUrl, identity);
      await client.waitFor((m) => m.kind === 'agent.online', 'agent.online');
      await agent.endAsync();
      await client.waitFor((m) => m.kind === 'agent.offline', 'agent.offline');
      assert.deepEqual(
        client.events().map((e) => [e.kind, e.agentId]),
        [
          ['agent.online', identity.agentId],
          ['agent.offline', identity.agentId],
        ],
      );
    });

    it('tells when an agent’s metrics sample was stored, so a host page can show the new one', async () => {
      const agent = await online(await newAgent());
      const client = await connect({ query: `agents=${agent.identity.agentId}&kinds=agent.metrics` });
      const sample = {
        ...envelope(),
        uptimeSec: 3600,
        load: [0.1, 0.2, 0.3],
        memory: { totalBytes: 8e9, availableBytes: 6e9 },
        disks: [{ mount: '/', totalBytes: 1e11, freeBytes: 5e10 }],
      };
      await publishUp(agent.client, agent.identity, 'metrics', sample);
      const event = await client.waitFor((m) => m.kind === 'agent.metrics', 'agent.metrics');
      assert.equal(event.agentId, agent.identity.agentId);
      assert.equal(event.data.reportedAt, sample.ts);
      const detail = await api.bearer(viewerToken).get(`/api/v1/agents/${agent.identity.agentId}`);
      assert.equal(detail.json.metrics.uptimeSec, 3600, 'the sample is stored when the event arrives');
    });

    it('delivers only the chosen agent’s events when filtered by agent', async () => {
      const [a, b] = [await newAgent(), await newAgent()];
      const client = await connect({ query: `agents=${a.agentId}` });
      await online(b);
      await online(a);
      await client.waitFor((m) => m.kind === 'agent.online', 'agent.online of a');
      // Events arrive in id order: b's came first, so had it passed the filter it would be here.
      assert.ok(client.events().every((e) => e.agentId === a.agentId));
    });

    it('streams a command’s status and output lines in order, output before the final status', async () => {
      const agent = await online(await newAgent());
      const client = await connect({
        query: `agents=${agent.identity.agentId}&kinds=command.status,command.output`,
      });
      const issued = await api.bearer(operatorToken).post('/api/v1/commands', {
        agentId: agent.identity.agentId,
        type: 'scan',
        params: { plugin: 'apt' },
      });
      assert.equal(issued.status, 201);
      const commandId = issued.json.id as string;
      await client.waitFor((m) => m.data?.status === 'acknowledged', 'acknowledged');
      await runCommand(agent, commandId, 30);
      await client.waitFor((m) => m.data?.status === 'succeeded', 'succeeded');

      const mine = client.events().filter((e) => e.data.commandId === commandId);
      const lines = mine.filter((e) => e.kind === 'command.output').flatMap((e) => e.data.lines);
      assert.deepEqual(
        lines.map((l: { seq: number }) => l.seq),
        Array.from({ length: 30 }, (_, i) => i),
      );
      assert.equal(lines[4].line, `line 4 of ${commandId.slice(0, 8)}`);
      assert.equal(lines[3].stream, 'stderr');
      const statuses = mine.filter((e) => e.kind === 'command.status').map((e) => e.data.status);
      assert.deepEqual(statuses, ['pending', 'sent', 'acknowledged', 'running', 'succeeded']);
      assert.equal(mine[mine.length - 1]!.data.status, 'succeeded');
      // Ids increase by one per event of the bus.
      const ids = client.events().map((e) => e.id as number);
      assert.deepEqual(
        ids,
        [...ids].sort((x, y) => x - y),
      );

      const stored = await api.bearer(viewerToken).get(`/api/v1/commands/${commandId}/output`);
      assert.equal(stored.status, 200);
      assert.deepEqual(
        stored.json.lines.map((l: { seq: number; line: string }) => [l.seq, l.line]),
        lines.map((l: { seq: number; line: string }) => [l.seq, l.line]),
      );
      assert.equal(stored.json.next, null);
      const after = await api
        .bearer(viewerToken)
        .get(`/api/v1/commands/${commandId}/output?after=25&limit=2`);
      assert.deepEqual(
        after.json.lines.map((l: { seq: number }) => l.seq),
        [26, 27],
      );
      assert.equal(after.json.next, 27);
    });

    it('stores at most commands.outputMaxLines lines per command, the last saying the rest was cut', async () => {
      const agent = await online(await newAgent());
      const client = await connect({
        query: `agents=${agent.identity.agentId}&kinds=command.status,command.output`,
      });
      const { command } = await core.dispatcher.issue({ agentId: agent.identity.agentId, type: 'scan' });
      await client.waitFor(
        (m) => m.data?.commandId === command.id && m.data.status === 'acknowledged',
        'ack',
      );
      await runCommand(agent, command.id, OUTPUT_CAP * 3);
      await client.waitFor(
        (m) => m.data?.commandId === command.id && m.data.status === 'succeeded',
        'succeeded',
      );

      const stored = await api.bearer(viewerToken).get(`/api/v1/commands/${command.id}/output?limit=5000`);
      const lines = stored.json.lines as Array<{ seq: number; stream: string; line: string }>;
      assert.equal(lines.length, OUTPUT_CAP);
      assert.deepEqual(
        lines.slice(0, -1).map((l) => l.seq),
        Array.from({ length: OUTPUT_CAP - 1 }, (_, i) => i),
      );
      assert.equal(lines.at(-1)!.stream, 'status');
      assert.match(lines.at(-1)!.line, /^output truncated/);
      const streamed = client
        .events()
        .filter((e) => e.kind === 'command.output' && e.data.commandId === command.id);
      assert.equal(
        streamed.flatMap((e) => e.data.lines).length,
        OUTPUT_CAP,
        'the stream carries what is stored, no more',
      );
      assert.equal(streamed.at(-1)!.data.truncated, true);
    });

    it('announces a stored scan with its counts, once per batch', async () => {
      const identity = await newAgent();
      // No kind filter: everything the ingest emits about this agent is counted.
      const client = await connect({ query: `agents=${identity.agentId}` });
      const agent = await online(identity);
      await client.waitFor((m) => m.kind === 'agent.online', 'agent.online');
      const from = client.events().length;
      const now = new Date().toISOString();
      await publishUp(agent.client, agent.identity, 'scan', {
        ...envelope(),
        batchId: crypto.randomUUID(),
        plugin: 'apt',
        complete: true,
        startedAt: now,
        finishedAt: now,
        packages: Array.from({ length: 300 }, (_, i) => ({
          plugin: 'apt',
          name: `pkg-${i}`,
          currentVersion: '1.0',
          availableVersion: '1.1',
          severity: 'unknown',
          source: 'bookworm',
          security: false,
          metadata: {},
        })),
      });
      const event = await client.waitFor((m) => m.kind === 'scan.ingested', 'scan.ingested');
      assert.deepEqual(
        {
          plugin: event.data.plugin,
          discovered: event.data.discovered,
          packageCount: event.data.packageCount,
          resolved: event.data.resolved,
        },
        { plugin: 'apt', discovered: 300, packageCount: 300, resolved: 0 },
      );
      assert.deepEqual(
        client
          .events()
          .slice(from)
          .map((e) => e.kind),
        ['scan.ingested'],
        '300 packages, one event',
      );
    });

    it('puts every recorded system event on the stream', async () => {
      const client = await connect({ query: 'kinds=system.event' });
      await core.events.record({
        type: 'test',
        subtype: 'hello',
        severity: 'info',
        component: 'test',
        message: 'a system event for the live stream',
      });
      const event = await client.waitFor((m) => m.kind === 'system.event', 'system.event');
      assert.equal(event.data.message, 'a system event for the live stream');
      const stored = await core.db.systemEvents.list({ type: 'test' });
      assert.equal(event.data.id, stored[0]!.id);
    });
  });

  describe('sessions that end', () => {
    /** A user signed in to the panel with a stream open, as a browser would hold them. */
    const signedInStream = async (username: string) => {
      const user = (await addTestUser(core, username, `${username} password`, 'viewer')) as { id: string };
      const session = await api.login(username, `${username} password`);
      const stream = await connect({ headers: { cookie: session.cookie, origin: core.httpUrl } });
      return { ...session, id: user.id, stream };
    };
    const stillOpen = async (client: LiveTestClient) => {
      const from = client.messages.length;
      client.send({ type: 'ping' });
      await client.waitFor((m) => m.type === 'pong', 'pong', from);
    };

    it('closes the stream with 4001 when its session signs out; other streams stay open', async () => {
      const other = await connect();
      const { cookie, csrfToken, stream } = await signedInStream('leaver');
      const out = await api.call('POST', '/api/v1/auth/logout', {
        headers: { cookie, 'x-csrf-token': csrfToken },
      });
      assert.equal(out.status, 204);
      const closed = await stream.waitForClose();
      assert.equal(closed.code, 4001);
      assert.equal(closed.reason, 'the session has ended');
      await stillOpen(other);
    });

    it('closes every stream of a user who is disabled, with 4001', async () => {
      const { id, cookie, stream } = await signedInStream('disabled-later');
      const second = await connect({ headers: { cookie, origin: core.httpUrl } });
      const admin = api.bearer((await createTestToken(core, 'admin')).token);
      assert.equal((await admin.call('PATCH', `/api/v1/users/${id}`, { disabled: true })).status, 200);
      assert.equal((await stream.waitForClose()).code, 4001);
      assert.equal((await second.waitForClose()).code, 4001);
    });

    it('closes the stream with 4001 when the user’s password changes', async () => {
      const { stream } = await signedInStream('rotating');
      const { adminOperations } = await import('../../../core/api/index.js');
      await adminOperations.userPasswd.run(core.manage, {
        params: {},
        body: { username: 'rotating', password: 'rotating new password' },
        by: 'test',
      });
      assert.equal((await stream.waitForClose()).code, 4001);
    });

    it('closes the streams of an API token with 4001 when it is revoked; other tokens stay open', async () => {
      const script = await createTestToken(core, 'viewer', 'dashboard widget');
      const stream = await connect({ headers: bearer(script.token) });
      const other = await connect();
      const admin = api.bearer((await createTestToken(core, 'admin')).token);
      const revoked = await admin.call('POST', `/api/v1/api-tokens/${script.id}/revoke`);
      assert.ok(revoked.status < 300, `revoke answered ${revoked.status}`);
      const closed = await stream.waitForClose();
      assert.equal(closed.code, 4001);
      assert.equal(closed.reason, 'the API token is no longer valid');
      await stillOpen(other);
      const again = await refusal(LiveTestClient.open(core.httpUrl, { headers: bearer(script.token) }));
      assert.equal(again.status, 401, 'and it cannot open another');
    });
  });

  describe('catching up', () => {
    it('replays exactly the missed events to a client that reconnects with since and stream', async () => {
      const observer = await connect();
      const first = await connect();
      const hello = first.messages[0]!;
      await core.events.record({
        type: 'test',
        severity: 'info',
        component: 'test',
        message: 'seen by both',
      });
      const seen = await first.waitFor((m) => m.data?.message === 'seen by both', 'first event');
      first.close();
      await first.waitForClose();

      for (let i = 0; i < 5; i++)
        await core.events.record({
          type: 'test',
          severity: 'info',
          component: 'test',
          message: `missed ${i}`,
        });
      await observer.waitFor((m) => m.data?.message === 'missed 4', 'last missed event');

      const again = await connect({ query: `since=${seen.id}&stream=${hello.stream}` });
      const subscribed = again.messages.find((m) => m.type === 'subscribed')!;
      const replayed = again.messages
        .slice(0, again.messages.indexOf(subscribed))
        .filter((m) => m.type === 'event');
      const expected = observer.events().filter((e) => e.id > seen.id && e.id <= subscribed.lastId);
      assert.equal(subscribed.replayed, expected.length);
      assert.deepEqual(replayed, expected);
      assert.deepEqual(
        replayed.filter((e) => e.kind === 'system.event').map((e) => e.data.message),
        ['missed 0', 'missed 1', 'missed 2', 'missed 3', 'missed 4'],
      );
    });

    it('replays with a subscribe message too, filtered', async () => {
      const client = await connect();
      const lastId = client.messages[0]!.lastId as number;
      await core.events.record({
        type: 'test',
        severity: 'info',
        component: 'test',
        message: 'for the filter',
      });
      await client.waitFor((m) => m.data?.message === 'for the filter', 'event');
      const from = client.messages.length;
      client.send({
        type: 'subscribe',
        since: lastId,
        stream: client.messages[0]!.stream,
        kinds: ['system.event'],
      });
      const subscribed = await client.waitFor((m) => m.type === 'subscribed', 'subscribed', from);
      const replayed = client.messages.slice(from, client.messages.indexOf(subscribed));
      assert.ok(replayed.length >= 1);
      assert.ok(replayed.every((m) => m.kind === 'system.event'));
    });

    it('says reset when the ids come from another stream (a restarted or another core)', async () => {
      const client = await connect({ query: `since=3&stream=00000000-0000-4000-8000-000000000000` });
      const reset = client.messages.find((m) => m.type === 'reset')!;
      assert.equal(reset.reason, 'other_stream');
      assert.equal(reset.stream, client.messages[0]!.stream);
    });
  });
});

/** The bounds: a small ring buffer, a short heartbeat and a small send queue. */
describe('live event stream limits', () => {
  let core: TestCore;
  let token: string;
  before(async function () {
    this.timeout(180_000);
    core = await startTestCore('PGlite', (config) => {
      config.live.bufferSize = 100;
      config.live.heartbeatSeconds = 1;
      config.live.maxQueuedKiB = 16;
      // The test client plays Home Assistant's ingress proxy.
      config.auth.ingress = { enabled: true, trustedProxy: '127.0.0.1', role: 'viewer' };
    });
    // An admin exists, so the Home Assistant user below is not a fresh add-on's first user (made admin).
    await addTestUser(core, 'root', 'root password', 'admin');
    token = (await createTestToken(core, 'viewer')).token;
  });
  after(() => core.close());
  const open = (opts: Parameters<typeof LiveTestClient.open>[1] = {}) =>
    LiveTestClient.open(core.httpUrl, { headers: { authorization: `Bearer ${token}` }, ...opts });

  it('accepts Home Assistant ingress from its proxy, from the page HA serves, and refuses another Origin', async () => {
    const ingress = { 'x-remote-user-id': 'ha-1', 'x-remote-user-name': 'bob' };
    const page = {
      origin: 'http://homeassistant.local:8123',
      'x-forwarded-host': 'homeassistant.local:8123',
    };
    const client = await LiveTestClient.open(core.httpUrl, { headers: { ...ingress, ...page } });
    const hello = await client.waitFor((m) => m.type === 'hello', 'hello');
    assert.deepEqual(hello.caller, { name: 'ha:bob', role: 'viewer' });
    client.close();
    const refused = await refusal(
      LiveTestClient.open(core.httpUrl, {
        headers: {
          ...ingress,
          origin: 'https://evil.example',
          'x-forwarded-host': 'homeassistant.local:8123',
        },
      }),
    );
    assert.equal(refused.status, 403);
  });

  it('tells a client asking for events older than the buffer to reset, and streams on', async () => {
    const first = await open();
    const { stream } = await first.waitFor((m) => m.type === 'hello', 'hello');
    first.close();
    for (let i = 0; i < 150; i++)
      await core.events.record({ type: 'test', severity: 'info', component: 'test', message: `event ${i}` });
    const client = await open({ query: `since=1&stream=${stream}` });
    const reset = await client.waitFor((m) => m.type === 'reset', 'reset');
    assert.equal(reset.reason, 'too_old');
    assert.equal(reset.lastId - reset.oldestId + 1, 100);
    assert.ok(reset.oldestId > 2);
    await client.waitFor((m) => m.type === 'subscribed', 'subscribed');
    await core.events.record({
      type: 'test',
      severity: 'info',
      component: 'test',
      message: 'after the reset',
    });
    await client.waitFor((m) => m.data?.message === 'after the reset', 'live event after the reset');
    client.close();
  });

  it('pings, and disconnects a client that stops answering', async () => {
    const client = await open({ autoPong: false });
    await client.waitFor((m) => m.type === 'heartbeat', 'heartbeat');
    const closed = await client.waitForClose();
    assert.ok([4009, 1006].includes(closed.code), `closed with ${closed.code}`);
  });

  it('drops a client that does not read instead of queueing without bound', async () => {
    const client = await open();
    await client.waitFor((m) => m.type === 'subscribed', 'subscribed');
    // The client stops reading; the core keeps emitting.
    const socket = (client.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const big = 'x'.repeat(4000);
    for (let i = 0; i < 10_000; i++) core.live.emit('packages.changed', null, { reason: big, count: i });
    socket.resume();
    const closed = await client.waitForClose();
    assert.equal(closed.code, 4008);
    assert.match(closed.reason, /slow consumer/);
    const events = await core.db.systemEvents.list({ type: 'live' });
    assert.ok(events.some((e) => e.subtype === 'client_dropped'));
  });
});

/**
 * A session can end outside this core (signed out through another core behind the same load
 * balancer, or removed from the database): streams find out at their next check.
 */
describe('live event stream of a session removed elsewhere [PostgreSQL]', () => {
  let core: TestCore;
  before(async function () {
    if (!pgUrl()) {
      // CI always has PostgreSQL: there a missing URL is a failure, elsewhere a reason to skip.
      if (process.env.CI === 'true') throw new Error('CI=true but REDFLAG_TEST_PG_URL is not set');
      return this.skip();
    }
    this.timeout(180_000);
    core = await startTestCore('PostgreSQL', (config) => {
      config.live.sessionCheckSeconds = 1;
    });
  });
  after(() => core?.close());

  it('closes the stream with 4001 once the session row is gone', async () => {
    const api = new ApiClient(core.httpUrl);
    await addTestUser(core, 'elsewhere', 'elsewhere password', 'viewer');
    const { cookie } = await api.login('elsewhere', 'elsewhere password');
    const stream = await LiveTestClient.open(core.httpUrl, { headers: { cookie, origin: core.httpUrl } });
    await stream.waitFor((m) => m.type === 'subscribed' || m.type === 'hello', 'hello');
    await withPgClient(async (client) => {
      await client.query(`delete from "${core.config.database.schema}".sessions`);
    });
    assert.equal((await stream.waitForClose()).code, 4001);
  });

  it('closes the stream of an API token revoked elsewhere (by another core) at its next check', async () => {
    const byRow = await createTestToken(core, 'viewer', 'revoked by another core');
    const open = async (token: string) => {
      const stream = await LiveTestClient.open(core.httpUrl, {
        headers: { authorization: `Bearer ${token}` },
      });
      await stream.waitFor((m) => m.type === 'hello', 'hello');
      return stream;
    };
    const revokedStream = await open(byRow.token);
    await withPgClient(async (client) => {
      await client.query(
        `update "${core.config.database.schema}".api_tokens set revoked_at = now() where id = $1`,
        [byRow.id],
      );
    });
    const closed = await revokedStream.waitForClose();
    assert.equal(closed.code, 4001);
    assert.equal(closed.reason, 'the API token is no longer valid');
  });
});
