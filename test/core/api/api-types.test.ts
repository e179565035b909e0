import assert from 'node:assert/strict';
import type * as api from '../../../broker/protocol/api-types.js';
import type * as db from '../../../core/db/index.js';
import type { agentSchema, agentDetailSchema } from '../../../core/api/routes/agent-schemas.js';
import type { sessionAnswer } from '../../../core/api/routes/auth.js';
import type { outputLineSchema } from '../../../core/api/routes/command-output.js';
import type { commandSchema } from '../../../core/api/routes/commands.js';
import type { containerItemSchema } from '../../../core/api/routes/container-schemas.js';
import type { eventSchema } from '../../../core/api/routes/events.js';
import type { windowSchema } from '../../../core/api/routes/maintenance-windows.js';
import type { pluginEntry } from '../../../core/api/routes/plugin-settings.js';
import type { policySchema } from '../../../core/api/routes/policies.js';
import type { tokenSchema } from '../../../core/api/routes/registration-tokens.js';
import type { scheduleSchema } from '../../../core/api/routes/schedules.js';
import type { statsSchema } from '../../../core/api/routes/stats.js';
import type { updateDetailSchema, updateItemSchema } from '../../../core/api/routes/update-schemas.js';
import type { apiTokenSchema, userSchema } from '../../../core/api/schemas.js';
import type { Matches } from '../../helpers/schema-types.js';

/**
 * Issue 22 §1: the HTTP API's types are written once (broker/protocol/api-types.ts) and the
 * panel reads every answer through them. Two checks at compile time keep them true to the core:
 * each type has exactly the properties, and the required ones, of its route's response schema;
 * and what the core's repositories return, sent as JSON (`Json<…>`: Dates become strings),
 * fits the type. A drift makes `tsc --noEmit` fail on the line concerned.
 */
type Fits<Sent, Answer> = [Sent] extends [Answer] ? true : false;
type Items<S> = S extends { items: infer I } ? I : never;
type Props<S> = S extends { properties: infer P } ? P : never;

const typesMatchSchemas: {
  user: Matches<api.User, typeof userSchema>;
  apiToken: Matches<api.ApiToken, typeof apiTokenSchema>;
  session: Matches<api.Session, typeof sessionAnswer>;
  agent: Matches<Omit<api.Agent, 'pending' | 'metrics'>, typeof agentSchema>;
  agentMetrics: Matches<api.AgentMetrics, Props<typeof agentDetailSchema>['metrics']>;
  update: Matches<api.PackageUpdate, typeof updateItemSchema>;
  detail: Matches<api.PackageDetail, typeof updateDetailSchema>;
  command: Matches<api.Command, typeof commandSchema>;
  outputLine: Matches<api.CommandOutputLine, typeof outputLineSchema>;
  event: Matches<api.SystemEvent, typeof eventSchema>;
  stats: Matches<api.FleetStats, typeof statsSchema>;
  day: Matches<api.DayPoint, Items<Props<typeof statsSchema>['daily']>>;
  registrationToken: Matches<api.RegistrationToken, typeof tokenSchema>;
  policy: Matches<api.Policy, typeof policySchema>;
  policyMatch: Matches<api.PolicyMatch, Props<typeof policySchema>['match']>;
  window: Matches<api.MaintenanceWindow, typeof windowSchema>;
  schedule: Matches<api.ScanSchedule, typeof scheduleSchema>;
  pluginSettings: Matches<api.PluginSettingsEntry, typeof pluginEntry>;
  container: Matches<api.HostContainer, typeof containerItemSchema>;
} = {
  user: true,
  apiToken: true,
  session: true,
  agent: true,
  agentMetrics: true,
  update: true,
  detail: true,
  command: true,
  outputLine: true,
  event: true,
  stats: true,
  day: true,
  registrationToken: true,
  policy: true,
  policyMatch: true,
  window: true,
  schedule: true,
  pluginSettings: true,
  container: true,
};

const recordsFitAnswers: {
  user: Fits<api.Json<db.User>, api.User>;
  apiToken: Fits<api.Json<db.ApiToken>, api.ApiToken>;
  agent: Fits<api.Json<db.AgentOverview>, api.Agent>;
  update: Fits<api.Json<db.UpdateListItem>, api.PackageUpdate>;
  command: Fits<api.Json<db.Command>, api.Command>;
  event: Fits<api.Json<db.SystemEvent>, api.SystemEvent>;
  stats: Fits<api.Json<db.FleetStats>, api.FleetStats>;
  policy: Fits<api.Json<db.Policy>, api.Policy>;
  window: Fits<api.Json<db.MaintenanceWindow>, api.MaintenanceWindow>;
  schedule: Fits<api.Json<db.Schedule>, api.ScanSchedule>;
  install: Fits<api.Json<db.InstallRecord>, api.PackageDetail['history'][number]>;
} = {
  user: true,
  apiToken: true,
  agent: true,
  update: true,
  command: true,
  event: true,
  stats: true,
  policy: true,
  window: true,
  schedule: true,
  install: true,
};

describe('the HTTP API types (issue 22 §1)', () => {
  it('match the response schemas of the routes (checked by tsc)', () => {
    assert.ok(Object.values(typesMatchSchemas).every((ok) => ok));
  });

  it('take in what the core sends (checked by tsc)', () => {
    assert.ok(Object.values(recordsFitAnswers).every((ok) => ok));
  });
});
