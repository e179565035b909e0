import { definePlugin } from '../sdk/index.js';
import { type SnapConfig, snapConfigSchema } from './config.js';
import { detectSnap } from './detect.js';
import { dryRunSnap } from './dry-run.js';
import { listHolds } from './holds.js';
import { installSnap } from './install.js';
import { scanSnap } from './scan.js';

/** Snaps (snapd): docs/plugins.md describes its behaviour. */
export default definePlugin<SnapConfig>({
  name: 'snap',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  kind: 'package-manager',
  description: 'Pending refreshes, dry runs and refreshes of snaps.',
  configSchema: snapConfigSchema,
  create: (ctx) => ({
    detect: (op) => detectSnap(ctx, op),
    scan: (op) => scanSnap(ctx, op),
    dryRun: (request, op) => dryRunSnap(ctx, op, request),
    install: (request, onProgress, op) => installSnap(ctx, op, request, onProgress),
    // A classic system never needs a reboot for a snap; on Ubuntu Core snapd reboots by itself.
    rebootRequired: async () => ({ required: false, packages: [], reasons: [] }),
    holds: (op) => listHolds(ctx, op),
  }),
});
