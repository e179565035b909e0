import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { dumpNewPgliteDataDir, openPglite } from '../../../core/db/pglite.js';
import { tempDir } from '../../helpers/cli.js';

async function setting(pglite: PGlite, name: string): Promise<string> {
  const { rows } = await pglite.query<{ value: string }>(`select current_setting('${name}') as value`);
  return rows[0]!.value;
}

/** Issue 26: the embedded database sized for the boxes Home Assistant runs on. */
describe('the embedded database (PGlite)', function () {
  this.timeout(180_000);
  const dir = tempDir('redflag-pglite-');
  after(() => dir.remove());

  it("opens with a small box's memory settings instead of PGlite's 128 MB of shared buffers", async () => {
    const pglite = await openPglite({ dir: 'memory://' });
    try {
      assert.equal(await setting(pglite, 'shared_buffers'), '8MB');
      assert.equal(await setting(pglite, 'max_connections'), '5');
      assert.equal(await setting(pglite, 'maintenance_work_mem'), '16MB');
    } finally {
      await pglite.close();
    }
  });

  it('takes the configured settings over those', async () => {
    const pglite = await openPglite({
      dir: 'memory://',
      settings: { shared_buffers: '32MB', work_mem: 2048 },
    });
    try {
      assert.equal(await setting(pglite, 'shared_buffers'), '32MB');
      assert.equal(await setting(pglite, 'work_mem'), '2MB');
      assert.equal(await setting(pglite, 'max_connections'), '5', 'the other defaults stay');
    } finally {
      await pglite.close();
    }
  });

  it("creates a new database from the build's template instead of running initdb, and keeps an existing one", async () => {
    const template = join(dir.path, 'template.tar.gz');
    writeFileSync(template, await dumpNewPgliteDataDir());
    const identifiers: string[] = [];
    for (const name of ['a', 'b']) {
      const pglite = await openPglite({ dir: join(dir.path, name), template });
      try {
        // initdb gives every database a new random identifier; copies of one template share it.
        const { rows } = await pglite.query<{ id: string }>(
          'select system_identifier::text as id from pg_control_system()',
        );
        identifiers.push(rows[0]!.id);
        await pglite.exec('create table kept (n int); insert into kept values (7)');
      } finally {
        await pglite.close();
      }
    }
    assert.equal(identifiers[0], identifiers[1]);

    const reopened = await openPglite({ dir: join(dir.path, 'a'), template });
    try {
      const { rows } = await reopened.query<{ n: number }>('select n from kept');
      assert.deepEqual(rows, [{ n: 7 }], 'an existing database is opened, not replaced by the template');
    } finally {
      await reopened.close();
    }
  });
});
