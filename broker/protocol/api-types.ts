/**
 * The HTTP API's request and answer shapes (docs/api.md), written once for every side that
 * speaks it: the core's repositories and routes build them, the panel reads them with
 * `import type` (issue 22 §1). Types only, and built from the vocabularies, so the panel
 * type-checks them without the core. Each answer follows its route's response schema
 * (core/api/routes/*): a field the schema does not require is optional here.
 * test/core/api/api-types.test.ts proves at compile time that the core's records, sent as
 * JSON, fit these shapes; the panel's browser tests read them from a real core. The shapes live
 * in ./api/, one file per area of the API; this module is the one entry everyone imports.
 */
export type { Transaction, TransactionItem } from './types.js';
export type * from './vocabulary-types.js';
export type * from './api/generic.js';
export type * from './api/accounts.js';
export type * from './api/agents.js';
export type * from './api/updates.js';
export type * from './api/containers.js';
export type * from './api/commands.js';
export type * from './api/events.js';
export type * from './api/stats.js';
export type * from './api/policies.js';
export type * from './api/plugins.js';
export type * from './api/proxmox.js';
