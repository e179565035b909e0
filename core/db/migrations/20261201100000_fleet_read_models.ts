import type { Knex } from 'knex';
import { trigramSchema } from './trigram-schema.js';

/**
 * What the fleet-read API needs (issue 5 §2): a stable id per package_state row for URLs and
 * keyset tie-breaks, a severity order that sorts (critical first), the indexes of every sort,
 * a trigram index for the free-text search, the latest metrics per agent, and two count
 * tables kept by statement-level triggers so that the fleet stats and the per-agent pending
 * counts read a few thousand rows instead of aggregating a million (docs/decisions.md).
 * One statement per call (PGlite runs one statement per query).
 */

const OPEN_KEY = 'agent_id, plugin, status, severity, security';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table package_state add column id bigserial`);
  await knex.raw(`create unique index package_state_id on package_state (id)`);
  // 0 = critical … 4 = unknown: ascending order is the most severe first.
  await knex.raw(
    `alter table package_state add column severity_order smallint generated always as (
       case severity when 'critical' then 0 when 'high' then 1 when 'medium' then 2 when 'low' then 3 else 4 end
     ) stored`,
  );
  // One index per sort order of GET /api/v1/updates, each ending with the unique id (keyset).
  await knex.raw(`create index package_state_by_severity on package_state (severity_order, name, id)`);
  await knex.raw(`create index package_state_by_name on package_state (name, id)`);
  await knex.raw(`create index package_state_by_first_seen on package_state (first_seen_at, id)`);
  await knex.raw(`create index package_state_by_agent on package_state (agent_id, id)`);
  await knex.raw(`create index agents_by_hostname on agents (hostname, id)`);
  // An update's detail page reads its own events.
  await knex.raw(`create index update_events_by_package on update_events (agent_id, package)`);

  const trgmSchema = await trigramSchema(knex);
  if (trgmSchema)
    await knex.raw(
      `create index package_state_name_trgm on package_state using gin (name "${trgmSchema}".gin_trgm_ops)`,
    );

  await knex.schema.createTable('agent_metrics', (t) => {
    t.uuid('agent_id').primary().references('agents.id').onDelete('CASCADE');
    t.jsonb('sample').notNullable();
    t.timestamp('reported_at', { useTz: true }).notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Recent failed commands on the dashboard.
  await knex.raw(
    `create index commands_failed_at on commands ((coalesce(failed_at, timed_out_at, rejected_at)))
      where status in ('failed', 'timed_out', 'rejected')`,
  );

  // package_counts: how many package_state rows per agent, plugin, status, severity, security.
  await knex.schema.createTable('package_counts', (t) => {
    t.uuid('agent_id').notNullable().references('agents.id').onDelete('CASCADE');
    t.text('plugin').notNullable();
    t.text('status').notNullable();
    t.text('severity').notNullable();
    t.boolean('security').notNullable();
    t.bigInteger('n').notNullable();
    t.primary(['agent_id', 'plugin', 'status', 'severity', 'security']);
  });
  await knex.raw(
    `insert into package_counts (${OPEN_KEY}, n)
     select ${OPEN_KEY}, count(*) from package_state group by ${OPEN_KEY}`,
  );
  // Inserts and updates add their net change in one upsert, in key order (no lock-order deadlocks).
  await knex.raw(
    `create function package_counts_add() returns trigger language plpgsql as $$
     begin
       insert into package_counts as c (${OPEN_KEY}, n)
       select ${OPEN_KEY}, sum(d) from (
         select ${OPEN_KEY}, 1 as d from new_rows
         union all
         select ${OPEN_KEY}, -1 as d from old_rows
       ) x
       group by ${OPEN_KEY} having sum(d) <> 0 order by ${OPEN_KEY}
       on conflict (${OPEN_KEY}) do update set n = c.n + excluded.n;
       return null;
     end $$`,
  );
  await knex.raw(
    `create function package_counts_insert() returns trigger language plpgsql as $$
     begin
       insert into package_counts as c (${OPEN_KEY}, n)
       select ${OPEN_KEY}, count(*) from new_rows group by ${OPEN_KEY} order by ${OPEN_KEY}
       on conflict (${OPEN_KEY}) do update set n = c.n + excluded.n;
       return null;
     end $$`,
  );
  // An update only, never an insert: rows deleted by an agent's cascade may have no agent left.
  await knex.raw(
    `create function package_counts_delete() returns trigger language plpgsql as $$
     begin
       update package_counts c set n = c.n - o.n
         from (select ${OPEN_KEY}, count(*) as n from old_rows group by ${OPEN_KEY}) o
        where c.agent_id = o.agent_id and c.plugin = o.plugin and c.status = o.status
          and c.severity = o.severity and c.security = o.security;
       return null;
     end $$`,
  );
  await knex.raw(
    `create trigger package_counts_on_insert after insert on package_state
       referencing new table as new_rows for each statement execute function package_counts_insert()`,
  );
  await knex.raw(
    `create trigger package_counts_on_update after update on package_state
       referencing old table as old_rows new table as new_rows for each statement execute function package_counts_add()`,
  );
  await knex.raw(
    `create trigger package_counts_on_delete after delete on package_state
       referencing old table as old_rows for each statement execute function package_counts_delete()`,
  );

  // update_event_days: update_events per UTC day and kind, spread over 64 shards by agent so
  // concurrent ingests of different agents rarely wait on one counter row.
  await knex.schema.createTable('update_event_days', (t) => {
    t.date('day').notNullable();
    t.text('kind').notNullable();
    t.smallint('shard').notNullable();
    t.bigInteger('n').notNullable();
    t.primary(['day', 'kind', 'shard']);
  });
  const dayKey = `(occurred_at at time zone 'UTC')::date as day, kind, (hashtext(agent_id::text) & 63) as shard`;
  await knex.raw(
    `insert into update_event_days (day, kind, shard, n)
     select ${dayKey}, count(*) from update_events group by 1, 2, 3`,
  );
  await knex.raw(
    `create function update_event_days_insert() returns trigger language plpgsql as $$
     begin
       insert into update_event_days as d (day, kind, shard, n)
       select ${dayKey}, count(*) from new_rows group by 1, 2, 3 order by 1, 2, 3
       on conflict (day, kind, shard) do update set n = d.n + excluded.n;
       return null;
     end $$`,
  );
  await knex.raw(
    `create function update_event_days_delete() returns trigger language plpgsql as $$
     begin
       update update_event_days d set n = d.n - o.n
         from (select ${dayKey}, count(*) as n from old_rows group by 1, 2, 3) o
        where d.day = o.day and d.kind = o.kind and d.shard = o.shard;
       return null;
     end $$`,
  );
  await knex.raw(
    `create trigger update_event_days_on_insert after insert on update_events
       referencing new table as new_rows for each statement execute function update_event_days_insert()`,
  );
  await knex.raw(
    `create trigger update_event_days_on_delete after delete on update_events
       referencing old table as old_rows for each statement execute function update_event_days_delete()`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists update_event_days_on_delete on update_events');
  await knex.raw('drop trigger if exists update_event_days_on_insert on update_events');
  await knex.raw('drop function if exists update_event_days_delete()');
  await knex.raw('drop function if exists update_event_days_insert()');
  await knex.schema.dropTableIfExists('update_event_days');
  await knex.raw('drop trigger if exists package_counts_on_delete on package_state');
  await knex.raw('drop trigger if exists package_counts_on_update on package_state');
  await knex.raw('drop trigger if exists package_counts_on_insert on package_state');
  await knex.raw('drop function if exists package_counts_delete()');
  await knex.raw('drop function if exists package_counts_insert()');
  await knex.raw('drop function if exists package_counts_add()');
  await knex.schema.dropTableIfExists('package_counts');
  await knex.raw('drop index if exists commands_failed_at');
  await knex.schema.dropTableIfExists('agent_metrics');
  await knex.raw('drop index if exists package_state_name_trgm');
  await knex.raw('drop index if exists update_events_by_package');
  await knex.raw('drop index if exists agents_by_hostname');
  await knex.raw('drop index if exists package_state_by_agent');
  await knex.raw('drop index if exists package_state_by_first_seen');
  await knex.raw('drop index if exists package_state_by_name');
  await knex.raw('drop index if exists package_state_by_severity');
  await knex.raw('alter table package_state drop column severity_order');
  await knex.raw('drop index if exists package_state_id');
  await knex.raw('alter table package_state drop column id');
}
