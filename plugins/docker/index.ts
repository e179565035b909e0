import { definePlugin } from '../sdk/index.js';
import { type DockerConfig, dockerConfigSchema } from './config.js';
import { detectResult } from './detect.js';
import { dryRunDocker } from './dry-run.js';
import { installDocker } from './install.js';
import { restartContainer } from './restart.js';
import { scanDocker } from './scan.js';
import { DockerSession } from './session.js';

const NO_REBOOT = { required: false, packages: [], reasons: [] };

/** Container images (Docker Engine or podman's Docker API): docs/plugins.md describes its behaviour. */
export default definePlugin<DockerConfig>({
  name: 'docker',
  version: '1.1.0',
  apiVersion: '^1.2.0',
  kind: 'package-manager',
  description:
    'Image updates of the containers on this host, checked with HEAD requests to their registries; updates recreate the containers, with rollback.',
  configSchema: dockerConfigSchema,
  create: (ctx) => {
    const session = new DockerSession(ctx);
    return {
      detect: async (op) => detectResult(await session.connect(op, true)),
      scan: (op) => scanDocker(session, op),
      dryRun: (request, op) => dryRunDocker(session, op, request),
      install: (request, onProgress, op) => installDocker(session, request, onProgress, op),
      // The pulls come first; the first container stopped is the point of no return.
      marksPointOfNoReturn: true,
      // Containers never need the host rebooted.
      rebootRequired: async () => NO_REBOOT,
      holds: async () => [],
      commands: { restart_container: (params, op) => restartContainer(session, params, op) },
    };
  },
});
