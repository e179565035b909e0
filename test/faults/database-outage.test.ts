import assert from 'node:assert/strict';
import { describePostgres, newSchemaName, pgUrl } from '../helpers/databases.js';
import { type TestCore } from '../helpers/core.js';
import { createTestToken } from '../core/api/api-client.js';
import { RestartableCore } from '../agent/helpers/restartable-core.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

/**
 * The API while the core's database does not answer (issue 25 §4): `/readyz` says so at once
 * instead of waiting for the pool's time limit, and a write gets 503 with `Retry-After`
 * instead of a 500. How fast it answers is printed by `npm run bench`, not asserted here.
 */
describePostgres('faults: the API during a database outage', () => {
  let proxy: TcpProxy;
  let core: RestartableCore;
  let token: string;

  before(async function () {
    this.timeout(60_000);
    const url = new URL(pgUrl()!);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    core = await RestartableCore.start((config) => {
      config.database.url = url.href;
      config.database.schema = newSchemaName();
      // Short, so the stalled query below ends soon; the default is 15 s.
      config.database.queryTimeoutMs = 1500;
    });
    token = (await createTestToken(core.core as TestCore, 'operator')).token;
  });
  afterEach(() => proxy.resume());
  after(async () => {
    proxy.resume();
    await core?.close();
    await proxy?.close();
  });

  it('/readyz answers 503 without waiting for a database that does not answer, and 200 once it is back', async () => {
    proxy.pause();
    const down = await fetch(`${core.httpUrl}/readyz`);
    assert.equal(down.status, 503);
    assert.match(((await down.json()) as { reason: string }).reason, /no answer within 1000 ms/);
    proxy.resume();
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${core.httpUrl}/readyz`)).status === 200) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail('/readyz did not come back');
  });

  it('a write while the database is away is 503 with Retry-After, not a 500', async () => {
    proxy.cut();
    const response = await fetch(`${core.httpUrl}/api/v1/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        agentId: '00000000-0000-4000-8000-000000000001',
        type: 'scan',
        params: { plugin: 'apt' },
      }),
    });
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'database_unavailable');
  });

  it('an API call on a connection the database stopped answering is 503 database_unavailable, not a hang', async function () {
    // Without a time limit on every query this waits for ever, and mocha's limit fails it.
    this.timeout(20_000);
    const agents = () =>
      fetch(`${core.httpUrl}/api/v1/agents`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal((await agents()).status, 200, 'the pool holds an open connection now');
    proxy.stall();
    const response = await agents();
    assert.equal(response.status, 503);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'database_unavailable');
    proxy.resume();
    assert.equal((await agents()).status, 200, 'answers again once the database does');
  });
});
