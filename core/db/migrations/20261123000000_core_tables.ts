import type { Knex } from 'knex';

/**
 * The core tables of DESIGN.md §5. One statement per call: PGlite's extended-protocol
 * query runs a single statement, so multi-statement raw SQL would work on PostgreSQL only.
 */
export async function up(knex: Knex): Promise<void> {
  const now = knex.fn.now();
  const checkIn = (column: string, values: string[]) =>
    `${column} in (${values.map((v) => `'${v}'`).join(', ')})`;

  await knex.schema.createTable('agents', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('hostname').notNullable();
    t.text('os').notNullable().defaultTo('');
    t.text('arch').notNullable().defaultTo('');
    t.text('agent_version').notNullable().defaultTo('');
    t.text('public_key').notNullable();
    t.text('machine_id_hash').notNullable();
    t.jsonb('labels').notNullable().defaultTo('[]');
    t.text('status').notNullable().defaultTo('active').checkIn(['active', 'revoked']);
    t.timestamp('registered_at', { useTz: true }).notNullable().defaultTo(now);
    t.timestamp('last_seen_at', { useTz: true });
    t.boolean('online').notNullable().defaultTo(false);
    t.boolean('reboot_required').notNullable().defaultTo(false);
    t.jsonb('metadata').notNullable().defaultTo('{}');
  });
  // A revoked agent's machine may enrol again; two active agents may not share a machine.
  await knex.raw(
    `create unique index agents_machine_id_hash_active on agents (machine_id_hash) where status = 'active'`,
  );

  await knex.schema.createTable('registration_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('token_hash').notNullable().unique();
    t.text('label').notNullable();
    t.integer('seats_total').notNullable().checkPositive();
    t.integer('seats_used').notNullable().defaultTo(0);
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.text('created_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now);
    t.check('seats_used >= 0 and seats_used <= seats_total', [], 'registration_tokens_seats_within_total');
  });

  await knex.schema.createTable('registration_token_uses', (t) => {
    t.bigIncrements('id');
    t.uuid('token_id').notNullable().references('registration_tokens.id').onDelete('CASCADE');
    t.uuid('agent_id').references('agents.id').onDelete('SET NULL');
    t.text('outcome').notNullable();
    t.text('remote_address');
    t.timestamp('used_at', { useTz: true }).notNullable().defaultTo(now);
  });

  await knex.schema.createTable('scan_batches', (t) => {
    t.uuid('id').primary();
    t.uuid('agent_id').notNullable().references('agents.id').onDelete('CASCADE');
    t.text('plugin').notNullable();
    t.boolean('complete').notNullable();
    t.integer('package_count').notNullable();
    t.timestamp('started_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(now);
    t.text('error');
    t.index(['agent_id', 'plugin', 'received_at']);
  });

  await knex.schema.createTable('update_events', (t) => {
    t.bigIncrements('id');
    t.uuid('agent_id').notNullable().references('agents.id').onDelete('CASCADE');
    t.uuid('batch_id');
    t.text('plugin').notNullable();
    t.text('package').notNullable();
    t.text('arch').notNullable().defaultTo('');
    t.text('from_version');
    t.text('to_version');
    t.text('kind').notNullable().checkIn(['discovered', 'changed', 'resolved', 'installed', 'failed']);
    t.text('severity');
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(now);
    t.index(['agent_id', 'occurred_at']);
    t.index(['occurred_at']);
  });

  await knex.schema.createTable('package_state', (t) => {
    t.uuid('agent_id').notNullable().references('agents.id').onDelete('CASCADE');
    t.text('plugin').notNullable();
    t.text('name').notNullable();
    t.text('arch').notNullable().defaultTo('');
    t.text('current_version');
    t.text('available_version');
    t.text('severity')
      .notNullable()
      .defaultTo('unknown')
      .checkIn(['critical', 'high', 'medium', 'low', 'unknown']);
    t.boolean('security').notNullable().defaultTo(false);
    t.text('source');
    t.boolean('reboot_required').notNullable().defaultTo(false);
    t.text('status')
      .notNullable()
      .defaultTo('pending')
      .checkIn([
        'pending',
        'approved',
        'checking_dependencies',
        'pending_dependencies',
        'installing',
        'updated',
        'failed',
        'ignored',
        'held',
        'resolved',
      ]);
    t.jsonb('dependencies');
    t.jsonb('metadata').notNullable().defaultTo('{}');
    t.timestamp('first_seen_at', { useTz: true }).notNullable().defaultTo(now);
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(now);
    t.timestamp('status_changed_at', { useTz: true }).notNullable().defaultTo(now);
    t.primary(['agent_id', 'plugin', 'name', 'arch']);
    t.index(['status', 'severity']);
  });

  await knex.schema.createTable('commands', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('agent_id').notNullable().references('agents.id').onDelete('CASCADE');
    t.text('type').notNullable();
    t.jsonb('params').notNullable().defaultTo('{}');
    t.text('status')
      .notNullable()
      .defaultTo('pending')
      .checkIn([
        'pending',
        'sent',
        'acknowledged',
        'running',
        'succeeded',
        'failed',
        'timed_out',
        'cancelled',
        'rejected',
      ]);
    t.text('source')
      .notNullable()
      .defaultTo('manual')
      .checkIn(['manual', 'policy', 'schedule', 'integration']);
    t.text('dedup_key');
    t.text('idempotency_key').unique();
    t.uuid('retried_from_id').references('commands.id').onDelete('SET NULL');
    t.integer('attempt').notNullable().defaultTo(1);
    t.text('created_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now);
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('acknowledged_at', { useTz: true });
    t.timestamp('running_at', { useTz: true });
    t.timestamp('succeeded_at', { useTz: true });
    t.timestamp('failed_at', { useTz: true });
    t.timestamp('timed_out_at', { useTz: true });
    t.timestamp('cancelled_at', { useTz: true });
    t.timestamp('rejected_at', { useTz: true });
    t.jsonb('result');
    t.text('error');
    t.index(['agent_id', 'status', 'created_at']);
  });
  // One active command per agent and dedup key: a second "scan apt now" finds the first.
  await knex.raw(
    `create unique index commands_active_dedup on commands (agent_id, dedup_key) where dedup_key is not null and ${checkIn('status', ['pending', 'sent', 'acknowledged', 'running'])}`,
  );

  await knex.schema.createTable('package_history', (t) => {
    t.bigIncrements('id');
    t.uuid('agent_id').notNullable().references('agents.id').onDelete('CASCADE');
    t.text('plugin').notNullable();
    t.text('name').notNullable();
    t.text('arch').notNullable().defaultTo('');
    t.text('from_version');
    t.text('to_version');
    t.uuid('command_id').references('commands.id').onDelete('SET NULL');
    t.text('result').notNullable().checkIn(['succeeded', 'failed']);
    t.text('message');
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.timestamp('recorded_at', { useTz: true }).notNullable().defaultTo(now);
    t.index(['agent_id', 'plugin', 'name']);
  });

  await knex.schema.createTable('system_events', (t) => {
    t.bigIncrements('id');
    t.uuid('agent_id').references('agents.id').onDelete('SET NULL');
    t.text('type').notNullable();
    t.text('subtype');
    t.text('severity').notNullable().defaultTo('info').checkIn(['info', 'warning', 'error', 'critical']);
    t.text('component').notNullable();
    t.text('message').notNullable();
    t.jsonb('metadata').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now);
    t.index(['created_at']);
    t.index(['agent_id', 'created_at']);
    t.index(['type', 'created_at']);
  });

  await knex.schema.createTable('client_errors', (t) => {
    t.bigIncrements('id');
    t.text('subsystem').notNullable();
    t.text('type').notNullable();
    t.text('message').notNullable();
    t.text('stack');
    t.jsonb('metadata').notNullable().defaultTo('{}');
    t.text('url');
    t.text('user_agent');
    t.uuid('user_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now);
    t.index(['created_at']);
  });

  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('username').notNullable().unique();
    t.text('display_name');
    // Null for users that only come in through Home Assistant ingress.
    t.text('password_hash');
    t.text('role').notNullable().checkIn(['admin', 'operator', 'viewer']);
    t.boolean('disabled').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now);
    t.timestamp('last_login_at', { useTz: true });
  });

  await knex.schema.createTable('api_tokens', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('name').notNullable();
    t.text('token_hash').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now);
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('last_used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
  });

  await knex.schema.createTable('sessions', (t) => {
    t.text('id_hash').primary();
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('csrf_token_hash').notNullable();
    t.text('remote_address');
    t.text('user_agent');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now);
    t.timestamp('last_seen_at', { useTz: true }).notNullable().defaultTo(now);
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('settings', (t) => {
    t.text('key').primary();
    t.jsonb('value').notNullable();
    t.text('updated_by');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(now);
  });

  await knex.schema.createTable('schedules', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('agent_id').references('agents.id').onDelete('CASCADE');
    t.text('agent_label');
    t.text('plugin').notNullable();
    t.integer('interval_seconds').notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now);
    t.check('interval_seconds between 60 and 86400', [], 'schedules_interval_1min_to_24h');
  });

  await knex.schema.createTable('maintenance_windows', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('name').notNullable();
    t.jsonb('weekdays').notNullable();
    t.text('start_time').notNullable();
    t.text('end_time').notNullable();
    t.text('timezone').notNullable().defaultTo('UTC');
    t.text('agent_label');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now);
  });

  await knex.schema.createTable('policies', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('kind').notNullable().checkIn(['hold', 'ignore', 'auto_approve']);
    t.text('name').notNullable();
    t.jsonb('match').notNullable().defaultTo('{}');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.text('created_by');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(now);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'policies',
    'maintenance_windows',
    'schedules',
    'settings',
    'sessions',
    'api_tokens',
    'users',
    'client_errors',
    'system_events',
    'package_history',
    'commands',
    'package_state',
    'update_events',
    'scan_batches',
    'registration_token_uses',
    'registration_tokens',
    'agents',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
