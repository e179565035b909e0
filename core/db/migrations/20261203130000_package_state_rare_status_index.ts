import type { Knex } from 'knex';

/** Statuses most packages are in: an index on them would hold nearly every row and help no query. */
const COMMON = `('pending', 'resolved', 'updated')`;

/**
 * The status index holds only packages in a status few are in (approved, installing, failed,
 * held…), which is what its readers ask for: the approvals waiting for a maintenance window,
 * a list filtered to failed packages. A first scan stores every package as pending, so it no
 * longer writes an entry of this index per package (issue 4's fleet ingest). Severity is left
 * out: no query filtered by status and severity together.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `create index package_state_rare_status on package_state (status) where status not in ${COMMON}`,
  );
  await knex.raw('drop index if exists package_state_status_severity_index');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('create index package_state_status_severity_index on package_state (status, severity)');
  await knex.raw('drop index if exists package_state_rare_status');
}
