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
  /** After a successful update, remove the image the containers ran before (when nothing else uses it). */
  removeOldImages: boolean;
  /** How long a recreated container may take to run, and to be healthy when it has a health check. */
  healthTimeoutSeconds: number;
  /** A recreated container must keep running this long (no exit, no restart) to count as started. */
  startupGraceSeconds: number;
  /** Seconds the engine gives a container to stop before killing it. */
  stopTimeoutSeconds: number;
  /**
   * The compose program for compose-labelled containers (`["docker", "compose"]`); empty: the first
   * of `docker compose`, `docker-compose`, `podman-compose` that answers on this host.
   */
  composeCommand: string[];
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
    removeOldImages: { type: 'boolean', default: false },
    healthTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 3600, default: 120 },
    startupGraceSeconds: { type: 'integer', minimum: 0, maximum: 600, default: 5 },
    stopTimeoutSeconds: { type: 'integer', minimum: 0, maximum: 600, default: 10 },
    composeCommand: {
      type: 'array',
      maxItems: 8,
      items: { type: 'string', minLength: 1, maxLength: 4096 },
      default: [],
    },
  },
} as const;
