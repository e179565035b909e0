/** Credentials for one registry, from the agent's config. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** The docker plugin's settings (the agent config's `plugins.docker` section). */
export interface DockerConfig {
  /** The engine's socket (`/var/run/docker.sock`); empty: `DOCKER_HOST`, then the usual places. */
  socket: string;
  /** Registry host (`ghcr.io`, `docker.io`, `localhost:5000`) → username and password or token. */
  registries: Record<string, RegistryCredentials>;
  /** The Docker CLI's config with `auths` and credential helpers; empty: `~/.docker/config.json`. */
  dockerConfigPath: string;
  /** Registries spoken to over plain HTTP, beside loopback ones (as Docker's `insecure-registries`). */
  insecureRegistries: string[];
  /** Requests in flight at once per registry during a scan. */
  concurrencyPerRegistry: number;
  requestTimeoutSeconds: number;
  /** A 429 whose reset is further away than this fails the image instead of waiting. */
  maxRateLimitWaitSeconds: number;
  /** Manifest bodies larger than this are refused (a manifest is a few KiB). */
  maxManifestBytes: number;
  /** Look up a newer version tag (one tag list per repository) when the tag looks like a version. */
  versionHints: boolean;
}

export const dockerConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    socket: { type: 'string', maxLength: 4096, default: '' },
    registries: {
      type: 'object',
      default: {},
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        properties: {
          username: { type: 'string', maxLength: 1024 },
          password: { type: 'string', maxLength: 8192 },
        },
      },
    },
    dockerConfigPath: { type: 'string', maxLength: 4096, default: '' },
    insecureRegistries: { type: 'array', items: { type: 'string', maxLength: 512 }, default: [] },
    concurrencyPerRegistry: { type: 'integer', minimum: 1, maximum: 64, default: 8 },
    requestTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 600, default: 30 },
    maxRateLimitWaitSeconds: { type: 'integer', minimum: 0, maximum: 3600, default: 120 },
    maxManifestBytes: { type: 'integer', minimum: 1024, maximum: 16_777_216, default: 4_194_304 },
    versionHints: { type: 'boolean', default: true },
  },
} as const;
