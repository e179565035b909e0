/** The flatpak plugin's settings (the agent config's `plugins.flatpak` section). */
export interface FlatpakConfig {
  /**
   * Which installation: `system` (`--system`, the usual one for a host), `user` (`--user`, the
   * agent user's own), or the name of one configured in /etc/flatpak/installations.d
   * (`--installation=NAME`).
   */
  installation: string;
  /** Run `flatpak update --appstream` before each scan: versions come from the appstream data. */
  refreshAppstream: boolean;
  /** Listing, reading masks and remote information. */
  commandTimeoutSeconds: number;
  /** The appstream refresh and the dry run, which downloads what it would install. */
  downloadTimeoutSeconds: number;
  installTimeoutSeconds: number;
}

export const flatpakConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    installation: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', default: 'system' },
    refreshAppstream: { type: 'boolean', default: true },
    commandTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 300 },
    downloadTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 3_600 },
    installTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 7_200 },
  },
} as const;
