import { definePlugin } from '../sdk/index.js';
import { type PacmanConfig, pacmanConfigSchema } from './config.js';
import { detectPacman } from './detect.js';
import { dryRunPacman } from './dry-run.js';
import { listHolds } from './holds.js';
import { installPacman } from './install.js';
import { rebootStatus } from './reboot.js';
import { scanPacman } from './scan.js';

/** pacman (Arch Linux and derivatives): docs/plugins.md describes its behaviour. */
export default definePlugin<PacmanConfig>({
  name: 'pacman',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  kind: 'package-manager',
  description: 'Pending updates, dry runs and installs with pacman (Arch Linux).',
  configSchema: pacmanConfigSchema,
  create: (ctx) => ({
    detect: (op) => detectPacman(ctx, op),
    scan: (op) => scanPacman(ctx, op),
    dryRun: (request, op) => dryRunPacman(ctx, op, request),
    install: (request, onProgress, op) => installPacman(ctx, op, request, onProgress),
    rebootRequired: () => rebootStatus(ctx),
    holds: (op) => listHolds(ctx, op),
  }),
});
