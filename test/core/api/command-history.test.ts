import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { connectAgent, listenDown, registerSimAgent } from '../../helpers/sim-agent.js';
import { ApiClient, createTestToken } from './api-client.js';

interface Command {
  id: string;
  agentId: string;
  type: string;
  status: string;
  source: string;
}

describeEachDatabase('API command history and active commands', (target) => {
  let core: TestCore;
  let viewer: ReturnType<ApiClient['bearer']>;
  let operator: ReturnType<ApiClient['bearer']>;
  let web: string;
  let db: string;
  const issued: Command[] = [];

  before(async () => {
    core = await startTestCore(target.name);
    const api = new ApiClient(core.httpUrl);
    viewer = api.bearer((await createTestToken(core, 'viewer')).token);
    operator = api.bearer((await createTestToken(core, 'operator')).token);
    web = (await registerSimAgent(core.httpUrl, await core.createToken(), { hostname: 'web' })).identity!
      .agentId;
    db = (await registerSimAgent(core.httpUrl, await core.createToken(), { hostname: 'db' })).identity!
      .agentId;
    for (const [agentId, plugin] of [
      [web, 'apt'],
      [web, 'flatpak'],
      [web, 'snap'],
      [db, 'apt'],
      [db, 'dnf'],
    ] as const) {
      const res = await operator.post('/api/v1/commands', { agentId, type: 'scan', params: { plugin } });
      assert.equal(res.status, 201);
      issued.push(res.json);
    }
    const dry = await operator.post('/api/v1/commands', {
      agentId: db,
      type: 'dry_run',
      params: { plugin: 'apt', packages: [{ name: 'curl' }] },
    });
    issued.push(dry.json);
    assert.equal((await operator.post(`/api/v1/commands/${issued[1]!.id}/cancel`)).status, 200);
  });
  after(() => core.close());

  async function list(query: string): Promise<Command[]> {
    const res = await viewer.get(`/api/v1/commands?${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return res.json.items;
  }

  it('lists newest first with filters by agent, status (several), type, source and time', async () => {
    const all = await list('limit=500');
    assert.deepEqual(
      all.map((c) => c.id),
      [...issued].reverse().map((c) => c.id),
    );
    assert.deepEqual(
      (await list(`agent=${web}`)).map((c) => c.id),
      [issued[2]!.id, issued[1]!.id, issued[0]!.id],
    );
    assert.deepEqual(
      (await list('status=cancelled')).map((c) => c.id),
      [issued[1]!.id],
    );
    assert.equal((await list('status=pending,cancelled')).length, 6);
    assert.equal((await list('status=pending&status=cancelled')).length, 6);
    assert.equal((await list('status=succeeded')).length, 0);
    assert.deepEqual(
      (await list('type=dry_run')).map((c) => c.id),
      [issued[5]!.id],
    );
    assert.equal((await list('source=manual')).length, 6);
    assert.equal((await list('source=policy,schedule')).length, 0);
    const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
    assert.equal((await list(`since=${future}`)).length, 0);
  });

  it('pages by key without repeats or gaps while commands are issued between pages', async () => {
    const before = (await list('limit=500')).map((c) => c.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { json: { items: Command[]; nextCursor: string | null } } = await viewer.get(
        `/api/v1/commands?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...res.json.items.map((c) => c.id));
      cursor = res.json.nextCursor;
      const extra = await operator.post('/api/v1/commands', {
        agentId: web,
        type: 'dry_run',
        params: { plugin: 'apt', packages: [{ name: `pkg-${pages}` }] },
      });
      assert.equal(extra.status, 201);
      pages++;
    } while (cursor && pages < 20);
    assert.deepEqual(seen, before, 'the history as it was when paging began, in order, once each');
  });

  it('lists the active commands oldest first, for all agents or one', async () => {
    const active = await viewer.get('/api/v1/commands/active');
    assert.equal(active.status, 200);
    const ids = active.json.map((c: Command) => c.id);
    assert.ok(!ids.includes(issued[1]!.id), 'a cancelled command is not active');
    assert.ok(ids.includes(issued[0]!.id) && ids.includes(issued[5]!.id));
    assert.ok(
      active.json.every((c: Command) => ['pending', 'sent', 'acknowledged', 'running'].includes(c.status)),
    );
    assert.equal(ids.indexOf(issued[0]!.id), 0, 'oldest first');
    const dbOnly = await viewer.get(`/api/v1/commands/active?agent=${db}`);
    assert.ok(dbOnly.json.length >= 3);
    assert.ok(dbOnly.json.every((c: Command) => c.agentId === db));
    assert.equal((await viewer.get('/api/v1/commands/active?agent=nope')).status, 400);
  });

  it('answers a refused cancel or retry with the command as it is now', async () => {
    const cancelled = issued[1]!.id;
    const again = await operator.post(`/api/v1/commands/${cancelled}/cancel`);
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'not_cancellable');
    assert.equal(again.json.error.details.command.status, 'cancelled');
    const active = await operator.post(`/api/v1/commands/${issued[0]!.id}/retry`);
    assert.equal(active.status, 409);
    assert.equal(active.json.error.code, 'not_retryable');
    assert.equal(active.json.error.details.command.id, issued[0]!.id);
    // The same scan was issued again after the cancel: retrying the cancelled one points at it.
    const fresh = await operator.post('/api/v1/commands', {
      agentId: web,
      type: 'scan',
      params: { plugin: 'flatpak' },
    });
    assert.equal(fresh.status, 201);
    const duplicate = await operator.post(`/api/v1/commands/${cancelled}/retry`);
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.json.error.code, 'duplicate_command');
    assert.equal(duplicate.json.error.details.commandId, fresh.json.id);
    assert.equal((await operator.post(`/api/v1/commands/${randomUUID()}/retry`)).status, 404);
  });

  it('refuses bad filters and cursors with 400, and lets viewers read only', async () => {
    for (const query of [
      'status=done',
      'type=install,bogus',
      'source=cron',
      'cursor=garbage',
      'limit=501',
      'x=1',
    ])
      assert.equal((await viewer.get(`/api/v1/commands?${query}`)).status, 400, query);
    const forged = Buffer.from(JSON.stringify(['yesterday', randomUUID()])).toString('base64url');
    const res = await viewer.get(`/api/v1/commands?cursor=${forged}`);
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'invalid_cursor');
    assert.equal((await viewer.post(`/api/v1/commands/${issued[0]!.id}/cancel`)).status, 403);
  });

  it('reads a command where the live stream said it is, the moment its agent accepted it', async () => {
    // The dispatcher writes sent and acknowledged a little later, many commands at once; the
    // panel reads a command again as soon as the stream says it moved, and must not get it older.
    const edge = (await registerSimAgent(core.httpUrl, await core.createToken(), { hostname: 'edge' }))
      .identity!;
    const client = await connectAgent(core.mqttUrl, edge);
    try {
      await listenDown(client, edge);
      for (let i = 0; !(await core.db.agents.findById(edge.agentId))?.online; i++) {
        assert.ok(i < 100, 'edge came online');
        await new Promise((r) => setTimeout(r, 50));
      }
      const accepted = new Promise<string>((resolve) => {
        const off = core.live.subscribe((event) => {
          const data = event.data as { commandId?: string; status?: string };
          if (event.kind === 'command.status' && data.status === 'acknowledged') {
            off();
            resolve(data.commandId!);
          }
        });
      });
      const issuedNow = await operator.post('/api/v1/commands', { agentId: edge.agentId, type: 'reboot' });
      assert.equal(issuedNow.status, 201);
      assert.equal(await accepted, issuedNow.json.id);
      const id = issuedNow.json.id as string;

      const one = await viewer.get(`/api/v1/commands/${id}`);
      assert.equal(one.json.status, 'acknowledged');
      assert.ok(one.json.sentAt && one.json.acknowledgedAt, 'both times are there for the timeline');
      const active = await viewer.get(`/api/v1/commands/active?agent=${edge.agentId}`);
      assert.deepEqual(
        active.json.map((c: Command) => [c.id, c.status]),
        [[id, 'acknowledged']],
      );
      const history = await viewer.get(`/api/v1/commands?agent=${edge.agentId}`);
      assert.equal(history.json.items[0].status, 'acknowledged');
      const output = await viewer.get(`/api/v1/commands/${id}/output`);
      assert.equal(output.json.status, 'acknowledged');
    } finally {
      client.end(true);
    }
  });
});
