import type { DockerConfig } from '../../../../plugins/docker/config.js';
import { dockerConfigSchema } from '../../../../plugins/docker/config.js';
import { DockerSession } from '../../../../plugins/docker/session.js';
import type { OperationContext } from '../../../../plugins/sdk/index.js';
import { createPluginContext } from '../../../../plugins/sdk/plugin-context.js';

/** The plugin's defaults, from its schema, under `overrides`. */
export function dockerConfig(overrides: Partial<DockerConfig>): DockerConfig {
  const defaults = Object.fromEntries(
    Object.entries(dockerConfigSchema.properties).map(([key, schema]) => [key, schema.default]),
  ) as unknown as DockerConfig;
  return { ...defaults, ...overrides };
}

/** A session of the plugin as the host would create it, for looking at each image's check. */
export function testSession(overrides: Partial<DockerConfig>): DockerSession {
  const ctx = createPluginContext({
    name: 'docker',
    version: '1.0.0',
    config: dockerConfig(overrides) as unknown as Record<string, unknown>,
    lifetime: new AbortController().signal,
  });
  return new DockerSession(ctx as never);
}

export function testOperation(timeoutMs = 60_000): OperationContext {
  return { signal: AbortSignal.timeout(timeoutMs), pointOfNoReturn: () => {} };
}
