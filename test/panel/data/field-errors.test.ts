import assert from 'node:assert/strict';
import { createApi } from '../../../panel/src/data/api.js';
import { ApiClient } from '../../../panel/src/data/api-client.js';
import { fieldErrors } from '../../../panel/src/data/field-errors.js';
import { startPanelCore, type PanelCore } from '../panel-core.js';

describe('panel data: field errors from validation answers', () => {
  let pc: PanelCore;
  let token: string;
  before(async () => {
    pc = await startPanelCore();
    ({ token } = await pc.api<{ token: string }>('POST', '/api/v1/api-tokens', {
      name: 'fields',
      role: 'admin',
    }));
  });
  after(() => pc.close());

  const api = () =>
    createApi(
      new ApiClient({
        baseUrl: `${pc.url}`,
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            headers: { ...(init?.headers as object), authorization: `Bearer ${token}` },
          }),
      }),
    );

  it("puts the core's validation error next to the field it is about", async () => {
    const err = await api()
      .registrationTokens.create({ label: 'rack', seats: 0, expires: '1d' })
      .catch((e: unknown) => e);
    assert.deepEqual(Object.keys(fieldErrors(err)), ['seats']);
    const bad = await api()
      .registrationTokens.create({ label: 'rack', expires: 'soon' })
      .catch((e: unknown) => e);
    assert.deepEqual(Object.keys(fieldErrors(bad)), ['expires']);
  });

  it('names a missing field, and keeps other failures under the form', async () => {
    const missing = await api()
      .client.post('api/v1/registration-tokens', {})
      .catch((e: unknown) => e);
    assert.deepEqual(fieldErrors(missing), { label: 'is required' });
    const dup = await api()
      .users.create({ username: 'admin', password: 'long enough pw', role: 'viewer' })
      .catch((e: unknown) => e);
    const errors = fieldErrors(dup);
    assert.deepEqual(Object.keys(errors), ['']);
    assert.ok(errors['']!.length > 0);
    assert.deepEqual(fieldErrors(new Error('boom')), { '': 'boom' });
  });
});
