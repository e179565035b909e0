import assert from 'node:assert/strict';
import {
  COMMAND_SOURCES,
  COMMAND_STATUSES,
  EVENT_SEVERITIES,
  PACKAGE_SEVERITIES,
  PACKAGE_STATUSES,
  ROLES,
} from '../../../broker/protocol/index.js';
import type { Database } from '../../../core/db/index.js';
import { describeEachDatabase } from '../../helpers/databases.js';

/**
 * Issue 22 §1: each vocabulary is defined once, in broker/protocol/vocabulary.ts. The SQL
 * checks were written by migrations (history, never edited), so this holds every one of them
 * to its list as the migrated database has it: a word added to one side only fails here.
 */
const CHECKED: Array<{ table: string; column: string; words: readonly string[] }> = [
  { table: 'package_state', column: 'status', words: PACKAGE_STATUSES },
  { table: 'package_state', column: 'severity', words: PACKAGE_SEVERITIES },
  { table: 'commands', column: 'status', words: COMMAND_STATUSES },
  { table: 'commands', column: 'source', words: COMMAND_SOURCES },
  { table: 'system_events', column: 'severity', words: EVENT_SEVERITIES },
  { table: 'users', column: 'role', words: ROLES },
  { table: 'api_tokens', column: 'role', words: ROLES },
];

/** The words of a `column = ANY (ARRAY['a'::text, …])` check, in their order; null for another check. */
function wordsOf(definition: string, column: string): string[] | null {
  const match = new RegExp(`^CHECK \\(\\(${column} = ANY \\(ARRAY\\[(.*)\\]\\)\\)\\)$`).exec(definition);
  return match
    ? [...match[1]!.matchAll(/'((?:[^']|'')*)'::text/g)].map((m) => m[1]!.replace(/''/g, "'"))
    : null;
}

describeEachDatabase('core/db SQL checks match the protocol vocabularies', (target) => {
  let db: Database;
  let checks: Awaited<ReturnType<Database['checkConstraints']>>;

  before(async function () {
    this.timeout(60_000);
    db = await target.open();
    await db.migrate();
    checks = await db.checkConstraints();
  });

  for (const { table, column, words } of CHECKED)
    it(`${table}.${column} allows exactly the vocabulary's words`, () => {
      const found = checks
        .filter((c) => c.table === table)
        .map((c) => wordsOf(c.definition, column))
        .filter((w): w is string[] => w !== null);
      assert.equal(found.length, 1, `one check on ${table}.${column}: ${JSON.stringify(checks)}`);
      assert.deepEqual([...found[0]!].sort(), [...words].sort());
    });

  it('leaves commands.type unchecked: a newer command type needs no migration (docs/protocol.md "Versioning")', () => {
    const typeChecks = checks.filter((c) => c.table === 'commands' && wordsOf(c.definition, 'type'));
    assert.deepEqual(typeChecks, []);
  });
});
