import { definePlugin } from '../sdk/index.js';
import { type AptConfig, aptConfigSchema } from './config.js';
import { detectApt } from './detect.js';
import { dryRunApt } from './dry-run.js';
import { listHolds } from './holds.js';
import { installApt } from './install.js';
import { rebootStatus } from './reboot.js';
import { scanApt } from './scan.js';

/** APT (Debian, Ubuntu and derivatives): docs/plugins.md describes its behaviour. */
export default definePlugin<AptConfig>({
  name: 'apt',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  kind: 'package-manager',
  description: 'Pending updates, dry runs and installs with APT (Debian, Ubuntu).',
  configSchema: aptConfigSchema,
  create: (ctx) => ({
    // install() downloads first, then calls op.pointOfNoReturn() before dpkg runs (issue 21 §6).
    marksPointOfNoReturn: true,
    detect: (op) => detectApt(ctx, op),
    scan: (op) => scanApt(ctx, op),
    dryRun: (request, op) => dryRunApt(ctx, op, request),
    install: (request, onProgress, op) => installApt(ctx, op, request, onProgress),
    rebootRequired: (op) => rebootStatus(ctx, op),
    holds: (op) => listHolds(ctx, op),
  }),
});
