import type { Knex } from 'knex';
import * as coreTables from './20261123000000_core_tables.js';
import * as agentRebind from './20261123010000_agent_rebind.js';
import * as packageStateLastBatch from './20261123020000_package_state_last_batch.js';
import * as usersAndAccess from './20261123030000_users_and_access.js';
import * as fleetReadModels from './20261201100000_fleet_read_models.js';
import * as adminApi from './20261201200000_admin_api.js';
import * as commandOutput from './20261201300000_command_output.js';
import * as packageStateFillfactor from './20261202100000_package_state_fillfactor.js';
import * as fleetStateDeleteTrigger from './20261203100000_fleet_state_delete_trigger.js';
import * as updateEventsUnusedIndexes from './20261203110000_update_events_unused_indexes.js';
import * as packageNames from './20261203120000_package_names.js';
import * as packageStateRareStatusIndex from './20261203130000_package_state_rare_status_index.js';
import * as jobs from './20261207120000_jobs.js';
import * as agentIdentityConflict from './20261207130000_agent_identity_conflict.js';
import * as containerInventory from './20261207170000_container_inventory.js';

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Every core migration, oldest first. Listed here rather than read from a folder so the
 * same list works from TypeScript sources, the compiled build and the add-on image.
 * Names never change once released: knex records them as applied.
 */
export const coreMigrations: Migration[] = [
  { name: '20261123000000_core_tables', ...coreTables },
  { name: '20261123010000_agent_rebind', ...agentRebind },
  { name: '20261123020000_package_state_last_batch', ...packageStateLastBatch },
  { name: '20261123030000_users_and_access', ...usersAndAccess },
  { name: '20261201100000_fleet_read_models', ...fleetReadModels },
  { name: '20261201200000_admin_api', ...adminApi },
  { name: '20261201300000_command_output', ...commandOutput },
  { name: '20261202100000_package_state_fillfactor', ...packageStateFillfactor },
  { name: '20261203100000_fleet_state_delete_trigger', ...fleetStateDeleteTrigger },
  { name: '20261203110000_update_events_unused_indexes', ...updateEventsUnusedIndexes },
  { name: '20261203120000_package_names', ...packageNames },
  { name: '20261203130000_package_state_rare_status_index', ...packageStateRareStatusIndex },
  { name: '20261207120000_jobs', ...jobs },
  { name: '20261207130000_agent_identity_conflict', ...agentIdentityConflict },
  { name: '20261207170000_container_inventory', ...containerInventory },
];
