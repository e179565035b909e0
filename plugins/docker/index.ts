import { definePlugin, PluginError } from '../sdk/index.js';
import { type DockerConfig, dockerConfigSchema } from './config.js';
import { detectResult } from './detect.js';
import { dryRunDocker } from './dry-run.js';
import { scanDocker } from './scan.js';
import { DockerSession } from './session.js';

const NO_REBOOT = { required: false, packages: [], reasons: [] };

/** Container images (Docker Engine or podman's Docker API): docs/plugins.md describes its behaviour. */
export default definePlugin<DockerConfig>({
  name: 'docker',
  version: '1.0.0',
  apiVersion: '^1.0.0',
  kind: 'package-manager',
  description:
    'Image updates of the containers on this host, checked with HEAD requests to their registries.',
  configSchema: dockerConfigSchema,
  create: (ctx) => {
    const session = new DockerSession(ctx);
    return {
      detect: async (op) => detectResult(await session.connect(op, true)),
      scan: (op) => scanDocker(session, op),
      dryRun: (request, op) => dryRunDocker(session, op, request),
      install: () => Promise.reject(notYet()),
      // Containers never need the host rebooted.
      rebootRequired: async () => NO_REBOOT,
      holds: async () => [],
    };
  },
});

function notYet(): PluginError {
  return new PluginError('updating containers is not implemented yet (issue 24 §4)', { code: 'unsupported' });
}
