import { definePlugin } from '../sdk/index.js';
import { type DnfConfig, dnfConfigSchema } from './config.js';
import { detectDnf } from './detect.js';
import { dryRunDnf } from './dry-run.js';
import { listHolds } from './holds.js';
import { installDnf } from './install.js';
import { rebootStatus } from './reboot.js';
import { scanDnf } from './scan.js';

/** dnf, dnf5 and yum (Fedora, RHEL and its rebuilds, CentOS): docs/plugins.md describes its behaviour. */
export default definePlugin<DnfConfig>({
  name: 'dnf',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  kind: 'package-manager',
  description: 'Pending updates, severities, dry runs and installs with dnf, dnf5 or yum (Fedora, RHEL).',
  configSchema: dnfConfigSchema,
  create: (ctx) => ({
    detect: (op) => detectDnf(ctx, op),
    scan: (op) => scanDnf(ctx, op),
    dryRun: (request, op) => dryRunDnf(ctx, op, request),
    install: (request, onProgress, op) => installDnf(ctx, op, request, onProgress),
    rebootRequired: (op) => rebootStatus(ctx, op),
    holds: (op) => listHolds(ctx, op),
  }),
});
