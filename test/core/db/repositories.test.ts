import assert from 'node:assert/strict';
import type { Database } from '../../../core/db/index.js';
import { describeEachDatabase } from '../../helpers/databases.js';

describeEachDatabase('core/db repositories', (target) => {
  let db: Database;
  before(async () => {
    db = await target.open();
    await db.migrate();
  });

  describe('systemEvents', () => {
    it('stores an event and lists it newest first with its metadata', async () => {
      const first = await db.systemEvents.record({
        type: 'core',
        subtype: 'started',
        severity: 'info',
        component: 'core',
        message: 'started',
        metadata: { version: '1.2.3', nested: { ok: true } },
      });
      const second = await db.systemEvents.record({
        type: 'security',
        severity: 'warning',
        component: 'broker',
        message: 'connect refused',
      });
      const listed = await db.systemEvents.list();
      assert.deepEqual(
        listed.slice(0, 2).map((e) => e.id),
        [second.id, first.id],
      );
      assert.deepEqual(listed[1]!.metadata, { version: '1.2.3', nested: { ok: true } });
      assert.ok(listed[0]!.createdAt instanceof Date);
    });

    it('filters by type and severity and reads forwards after an id', async () => {
      const a = await db.systemEvents.record({
        type: 'x-filter',
        severity: 'error',
        component: 't',
        message: 'a',
      });
      const b = await db.systemEvents.record({
        type: 'x-filter',
        severity: 'info',
        component: 't',
        message: 'b',
      });
      assert.deepEqual(
        (await db.systemEvents.list({ type: 'x-filter', severity: 'error' })).map((e) => e.message),
        ['a'],
      );
      assert.deepEqual(
        (await db.systemEvents.list({ afterId: a.id })).map((e) => e.id),
        [b.id],
      );
    });

    it('refuses a severity outside the documented set', async () => {
      await assert.rejects(
        db.systemEvents.record({ type: 'x', severity: 'loud' as 'info', component: 't', message: 'm' }),
        /check constraint/,
      );
    });
  });

  describe('settings', () => {
    it('returns undefined for an unknown key, then stores and replaces values', async () => {
      assert.equal(await db.settings.get('ui.theme'), undefined);
      await db.settings.set('ui.theme', { mode: 'dark' }, 'admin');
      await db.settings.set('ui.theme', { mode: 'light' }, 'admin');
      assert.deepEqual(await db.settings.get('ui.theme'), { mode: 'light' });
      assert.deepEqual(await db.settings.all(), { 'ui.theme': { mode: 'light' } });
    });
  });

  describe('sessions', () => {
    it('counts the sessions it removes, expired ones and all of a user (PGlite reports no DELETE count)', async () => {
      const user = await db.users.create({ username: 'session-counts', passwordHash: null, role: 'viewer' });
      const session = (idHash: string, expiresAt: Date) =>
        db.sessions.create({
          idHash,
          userId: user!.id,
          csrfTokenHash: `csrf-${idHash}`,
          remoteAddress: null,
          userAgent: null,
          expiresAt,
        });
      await session('expired-1', new Date(Date.now() - 60_000));
      await session('expired-2', new Date(Date.now() - 1_000));
      await session('live-1', new Date(Date.now() + 3_600_000));
      await session('live-2', new Date(Date.now() + 3_600_000));
      assert.equal(await db.sessions.deleteExpired(), 2);
      assert.equal(await db.sessions.deleteForUser(user!.id), 2);
      assert.equal(await db.sessions.deleteForUser(user!.id), 0);
    });
  });

  it('answers a ping', async () => {
    await db.ping();
  });
});
