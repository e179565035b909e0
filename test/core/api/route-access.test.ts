import assert from 'node:assert/strict';
import { startTestCore, type TestCore } from '../../helpers/core.js';
import { createTestToken } from './api-client.js';

const ACCESS = ['public', 'registration-token', 'viewer', 'operator', 'admin'];
const SAMPLE_ID = '00000000-0000-4000-8000-000000000000';

/** Issue 5: every route declares who may call it, and a stranger gets 401 from every protected one. */
describe('API route access declarations', () => {
  let core: TestCore;
  before(async () => {
    core = await startTestCore();
  });
  after(() => core.close());

  it('every route declares its access', () => {
    const routes = core.http.routeAccess;
    assert.ok(routes.length > 20, `only ${routes.length} routes seen`);
    const undeclared = routes.filter((r) => !ACCESS.includes(r.access as string));
    assert.deepEqual(undeclared, [], 'routes without config.access');
  });

  it('knows the resource routes this issue adds', () => {
    const names = new Set(core.http.routeAccess.map((r) => `${r.method} ${r.url} ${r.access}`));
    for (const expected of [
      'POST /api/v1/agents/register registration-token',
      'POST /api/v1/auth/login public',
      'GET /api/v1/agents viewer',
      'GET /api/v1/agents/:id viewer',
      'POST /api/v1/agents/:id/revoke admin',
      'POST /api/v1/agents/:id/rebind admin',
      'POST /api/v1/commands operator',
      'GET /api/v1/commands/:id viewer',
      'POST /api/v1/commands/:id/retry operator',
      'POST /api/v1/commands/:id/cancel operator',
      'GET /api/v1/events viewer',
      'GET /api/v1/updates viewer',
      'POST /api/v1/updates/approve operator',
      'POST /api/v1/updates/ignore operator',
      'POST /api/v1/updates/install operator',
      'POST /api/v1/updates/confirm operator',
      'POST /api/v1/updates/reject operator',
      'GET /api/v1/updates/count viewer',
      'GET /api/v1/updates/:id viewer',
      'GET /api/v1/stats viewer',
      'DELETE /api/v1/agents/:id admin',
      'PUT /api/v1/agents/:id/labels operator',
      'GET /api/v1/users admin',
      'POST /api/v1/api-tokens admin',
      'GET /api/v1/commands viewer',
      'GET /api/v1/commands/active viewer',
      'POST /api/v1/registration-tokens admin',
      'GET /api/v1/registration-tokens admin',
      'GET /api/v1/registration-tokens/:id admin',
      'POST /api/v1/registration-tokens/:id/revoke admin',
      'GET /api/v1/policies viewer',
      'POST /api/v1/policies operator',
      'PATCH /api/v1/policies/:id operator',
      'DELETE /api/v1/policies/:id operator',
      'POST /api/v1/maintenance-windows operator',
      'PATCH /api/v1/maintenance-windows/:id operator',
      'DELETE /api/v1/schedules/:id operator',
      'POST /api/v1/schedules operator',
      'POST /api/v1/client-errors public',
      'GET /api/v1/client-errors admin',
      'GET /api/v1/settings admin',
      'PUT /api/v1/settings admin',
      'GET /api/v1/plugin-settings admin',
      'PUT /api/v1/plugin-settings/:plugin admin',
    ])
      assert.ok(names.has(expected), `missing ${expected}`);
  });

  it('answers 401 to an anonymous request on every protected route', async () => {
    const protectedRoutes = core.http.routeAccess.filter(
      (r) => r.access !== 'public' && r.access !== 'registration-token',
    );
    assert.ok(protectedRoutes.length >= 15);
    for (const route of protectedRoutes) {
      const url = route.url.replace(/:\w+/g, SAMPLE_ID);
      const res = await core.http.inject({
        method: route.method as 'GET',
        url,
        ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
      });
      assert.equal(res.statusCode, 401, `${route.method} ${route.url} answered ${res.statusCode}`);
      if (route.method !== 'HEAD') assert.equal(res.json().error.code, 'unauthenticated');
    }
  });

  it('refuses every protected route to the roles below its own with 403, and lets its role through', async () => {
    const roles = ['viewer', 'operator', 'admin'] as const;
    const tokens = new Map<string, string>();
    for (const role of roles)
      tokens.set(role, (await createTestToken(core, role, `${role} route check`)).token);
    const checked: string[] = [];
    for (const route of core.http.routeAccess) {
      const declared = roles.indexOf(route.access as (typeof roles)[number]);
      if (declared < 0 || route.method === 'HEAD') continue;
      // Logging out ends the caller's session; a token has none, but keep the tokens out of it.
      if (route.url === '/api/v1/auth/logout') continue;
      const url = route.url.replace(/:\w+/g, SAMPLE_ID);
      for (const [i, role] of roles.entries()) {
        const res = await core.http.inject({
          method: route.method as 'GET',
          url,
          headers: { authorization: `Bearer ${tokens.get(role)}` },
          ...(['POST', 'PUT', 'PATCH'].includes(route.method) ? { payload: {} } : {}),
        });
        const what = `${route.method} ${route.url} as ${role} answered ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (i < declared) {
          assert.equal(res.statusCode, 403, what);
          assert.equal(res.json().error.code, 'forbidden', what);
        } else assert.ok(![401, 403].includes(res.statusCode), what);
      }
      checked.push(`${route.method} ${route.url}`);
    }
    assert.ok(checked.length >= 40, `only ${checked.length} routes checked`);
  });

  it('keeps the names issue 5 promised scripts and docs (routes and the list query)', async () => {
    const names = new Set(core.http.routeAccess.map((r) => `${r.method} ${r.url}`));
    for (const stable of [
      'GET /api/v1/agents',
      'GET /api/v1/agents/:id',
      'GET /api/v1/updates',
      'GET /api/v1/stats',
      'GET /api/v1/commands',
      'POST /api/v1/commands',
      'GET /api/v1/events',
      'GET /api/v1/live',
      'POST /api/v1/client-errors',
    ])
      assert.ok(names.has(stable), `missing ${stable}`);
    const doc = (await core.http.inject('/api/docs/json')).json() as {
      paths: Record<string, { get: { parameters: Array<{ name: string; in: string }> } }>;
    };
    const query = doc.paths['/api/v1/updates']!.get.parameters.filter((p) => p.in === 'query').map(
      (p) => p.name,
    );
    for (const name of ['agent', 'plugin', 'severity', 'status', 'security', 'q', 'limit', 'cursor'])
      assert.ok(
        query.includes(name),
        `GET /api/v1/updates has no ${name} parameter (has ${query.join(', ')})`,
      );
  });

  it('describes every API route with a response schema in the OpenAPI document', async () => {
    const res = await core.http.inject('/api/docs/json');
    assert.equal(res.statusCode, 200);
    const doc = res.json() as { paths: Record<string, Record<string, { responses?: object }>> };
    for (const route of core.http.routeAccess.filter(
      (r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD',
    )) {
      const path = route.url.replace(/:(\w+)/g, '{$1}');
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      assert.ok(op?.responses, `${route.method} ${path} has no response schema`);
    }
  });
});
