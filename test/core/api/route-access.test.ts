import assert from 'node:assert/strict';
import { startTestCore, type TestCore } from '../../helpers/core.js';

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
