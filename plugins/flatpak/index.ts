import { definePlugin } from '../sdk/index.js';
import { type FlatpakConfig, flatpakConfigSchema } from './config.js';
import { detectFlatpak } from './detect.js';
import { dryRunFlatpak } from './dry-run.js';
import { listMasks } from './holds.js';
import { installFlatpak } from './install.js';
import { scanFlatpak } from './scan.js';

/** Flatpak apps and runtimes of one installation: docs/plugins.md describes its behaviour. */
export default definePlugin<FlatpakConfig>({
  name: 'flatpak',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  kind: 'package-manager',
  description: 'Pending updates, dry runs and updates of Flatpak apps and runtimes.',
  configSchema: flatpakConfigSchema,
  create: (ctx) => ({
    detect: (op) => detectFlatpak(ctx, op),
    scan: (op) => scanFlatpak(ctx, op),
    dryRun: (request, op) => dryRunFlatpak(ctx, op, request),
    install: (request, onProgress, op) => installFlatpak(ctx, op, request, onProgress),
    // Updating an app or a runtime never needs a reboot; running apps need a restart.
    rebootRequired: async () => ({ required: false, packages: [], reasons: [] }),
    holds: (op) => listMasks(ctx, op),
  }),
});
