import type { PluginMigration } from '../sdk/index.js';

/**
 * The plugin's own tables (issue 23 §2): one row per endpoint, node and guest. Guests are keyed
 * by endpoint and VMID (unique in a cluster, kept across migrations between nodes); one that
 * disappears gets `gone_at`, never a delete, so its history stays. `link` holds a person's
 * decision (`linked` to `agent_id`, or `unlinked`), which rediscovery never overrides.
 */
export const migrations: PluginMigration[] = [
  {
    name: '001_inventory',
    async up(db) {
      await db.query(`create table proxmox_endpoints (
        endpoint text primary key,
        cluster text,
        last_sync_at timestamptz,
        last_error text,
        last_error_code text,
        last_error_at timestamptz,
        warnings jsonb not null default '[]'::jsonb)`);
      await db.query(`create table proxmox_nodes (
        endpoint text not null,
        name text not null,
        status text not null,
        ip text,
        agent_id uuid,
        match_basis text,
        first_seen_at timestamptz not null default now(),
        last_seen_at timestamptz not null default now(),
        gone_at timestamptz,
        primary key (endpoint, name))`);
      await db.query(`create table proxmox_guests (
        endpoint text not null,
        vmid integer not null,
        type text not null,
        node text not null,
        name text not null,
        hostname text,
        status text not null,
        template boolean not null default false,
        tags jsonb not null default '[]'::jsonb,
        macs jsonb not null default '[]'::jsonb,
        ips jsonb not null default '[]'::jsonb,
        ostype text,
        agent_id uuid,
        match_basis text,
        link text check (link in ('linked', 'unlinked')),
        first_seen_at timestamptz not null default now(),
        last_seen_at timestamptz not null default now(),
        gone_at timestamptz,
        primary key (endpoint, vmid))`);
      await db.query('create index proxmox_guests_agent on proxmox_guests (agent_id)');
    },
  },
  {
    name: '002_actions',
    async up(db) {
      await db.query(`create table proxmox_actions (
        id uuid primary key,
        scope text not null,
        target text not null,
        type text not null,
        created_by text not null,
        created_at timestamptz not null default now())`);
      await db.query(`create table proxmox_action_commands (
        action_id uuid not null references proxmox_actions (id),
        agent_id uuid not null,
        command_id uuid,
        error text,
        primary key (action_id, agent_id))`);
    },
  },
  {
    name: '003_enrollments',
    async up(db) {
      await db.query(`create table proxmox_enrollments (
        id serial primary key,
        run_id uuid not null,
        node text not null,
        name text not null,
        endpoint text not null,
        vmid integer not null,
        outcome text not null,
        reason text not null,
        code text,
        at timestamptz not null default now())`);
      await db.query('create index proxmox_enrollments_guest on proxmox_enrollments (endpoint, vmid)');
    },
  },
  {
    // Group installs (issue 23 §4) approve updates instead of issuing a command: the updates
    // each host had approved, which its progress is read from.
    name: '004_action_installs',
    async up(db) {
      await db.query('alter table proxmox_action_commands add column packages jsonb');
    },
  },
];
