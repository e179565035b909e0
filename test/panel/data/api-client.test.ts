import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApi } from '../../../panel/src/data/api.js';
import { ApiClient } from '../../../panel/src/data/api-client.js';
import { ApiError } from '../../../panel/src/data/api-error.js';
import { freePort } from '../../helpers/cli.js';
import { startTestCore, type TestCore } from '../../helpers/core.js';

describe('panel data: the API client', () => {
  describe('against a real core', () => {
    let core: TestCore;
    before(async () => {
      core = await startTestCore('PGlite');
    });
    after(() => core.close());

    it("turns the core's error answers into typed ApiErrors and tells onFailure", async () => {
      const failures: ApiError[] = [];
      const api = createApi(
        new ApiClient({ baseUrl: `${core.httpUrl}/`, onFailure: (e) => failures.push(e) }),
      );
      const status = await api.auth.status();
      assert.deepEqual(status, { setupRequired: true, signedIn: false });
      await assert.rejects(api.auth.session(), (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.status, 401);
        assert.equal(err.code, 'unauthenticated');
        assert.equal(err.path, 'api/v1/auth/session');
        return true;
      });
      await assert.rejects(
        api.auth.setup('rfsetup_wrong', 'someone', 'long enough password'),
        (err: unknown) => {
          assert.ok(err instanceof ApiError);
          assert.ok(err.status >= 400 && err.status < 500);
          assert.equal(typeof err.message, 'string');
          return true;
        },
      );
      assert.equal(failures.length, 2);
    });

    it('calls a closed port a network error (status 0) and never reports the reporter’s own failures', async () => {
      const failures: ApiError[] = [];
      const api = createApi(
        new ApiClient({
          baseUrl: `http://127.0.0.1:${await freePort()}/`,
          onFailure: (e) => failures.push(e),
        }),
      );
      await assert.rejects(api.auth.status(), (err: unknown) => err instanceof ApiError && err.isNetwork);
      assert.equal(failures.length, 1);
      await assert.rejects(
        api.clientErrors.send([
          { subsystem: 'panel', type: 'error', message: 'x', occurredAt: new Date().toISOString() },
        ]),
      );
      assert.equal(failures.length, 1, 'a failed client-error report is not reported again');
    });
  });

  describe('requests it builds', () => {
    let server: Server;
    let seen: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }>;
    let base: string;
    before(async () => {
      seen = [];
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ items: [], nextCursor: null }));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      // As under Home Assistant ingress: the panel lives below a prefix.
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/hassio_ingress/tok/`;
    });
    after(() => new Promise((resolve) => server.close(resolve)));

    it('keeps the proxy prefix, sends the CSRF token on changes only, and drops empty filters', async () => {
      const client = new ApiClient({ baseUrl: base });
      client.setCsrfToken('csrf-123');
      const api = createApi(client);
      await api.updates.list({ severity: 'high', q: '', security: true }, { limit: 500 });
      await api.updates.approve([{ agentId: 'a', plugin: 'apt', name: 'bash', arch: 'amd64' }]);
      assert.equal(
        seen[0]!.url,
        '/api/hassio_ingress/tok/api/v1/updates?severity=high&security=true&limit=500',
      );
      assert.equal(seen[0]!.headers['x-csrf-token'], undefined);
      assert.equal(seen[1]!.method, 'POST');
      assert.equal(seen[1]!.url, '/api/hassio_ingress/tok/api/v1/updates/approve');
      assert.equal(seen[1]!.headers['x-csrf-token'], 'csrf-123');
      assert.equal(seen[1]!.headers['content-type'], 'application/json');
      assert.deepEqual(JSON.parse(seen[1]!.body), {
        packages: [{ agentId: 'a', plugin: 'apt', name: 'bash', arch: 'amd64' }],
      });
    });
  });
});
