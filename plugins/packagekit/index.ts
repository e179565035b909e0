import { definePlugin } from '../sdk/index.js';
import { type PackageKitConfig, packageKitConfigSchema } from './config.js';
import { detectPackageKit } from './detect.js';
import { dryRunPackageKit } from './dry-run.js';
import { installPackageKit } from './install.js';
import { RestartLog } from './reboot.js';
import { scanPackageKit } from './scan.js';

/** PackageKit over D-Bus (org.freedesktop.PackageKit): docs/plugins.md describes its behaviour. */
export default definePlugin<PackageKitConfig>({
  name: 'packagekit',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  kind: 'package-manager',
  description: 'Pending updates, simulated and real updates through PackageKit on the system bus.',
  configSchema: packageKitConfigSchema,
  create: (ctx) => {
    const restarts = new RestartLog(ctx.config.rebootRequiredFile);
    return {
      detect: (op) => detectPackageKit(ctx, op),
      scan: (op) => scanPackageKit(ctx, op),
      dryRun: (request, op) => dryRunPackageKit(ctx, op, request),
      install: (request, onProgress, op) => installPackageKit(ctx, op, request, onProgress, restarts),
      rebootRequired: () => restarts.status(),
      // PackageKit has no notion of held packages (no method or signal for them); a backend may
      // honour its own (apt-mark hold), which then shows as an update that does not install.
      holds: async () => [],
    };
  },
});
