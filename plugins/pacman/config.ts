/** The pacman plugin's settings (the agent config's `plugins.pacman` section). */
export interface PacmanConfig {
  /** `--root`: an alternative installation root; empty uses pacman's own (`/`). */
  root: string;
  /** `--dbpath`: the package database; empty uses pacman.conf's (or the root's `var/lib/pacman`). */
  dbPath: string;
  /** `--config`: the pacman.conf to use; empty uses `/etc/pacman.conf`. */
  config: string;
  /** `--cachedir`: where packages are downloaded; empty uses pacman.conf's. */
  cacheDir: string;
  /**
   * pacman-contrib's `checkupdates`, used for scans when present: it syncs a copy of the
   * databases, so a scan never leaves the system in a half-synced state. Empty turns it off.
   * It cannot take root/dbPath/config, so it is used only when those are empty.
   */
  checkupdatesPath: string;
  /** Run `pacman -Sy` before scans that do not use checkupdates, and before dry runs and installs. */
  refreshDatabases: boolean;
  /**
   * `system`: installs are full upgrades (`pacman -Su`), the only kind Arch supports, and the dry
   * run shows every pending upgrade for a person to confirm. `packages`: only the requested
   * packages and their dependencies (`pacman -S --needed`), a partial upgrade.
   */
  upgradeScope: 'system' | 'packages';
  /** How long to wait for another pacman's database lock (`db.lck`). */
  lockTimeoutSeconds: number;
  syncTimeoutSeconds: number;
  /** Listing, printing transactions, reading the database and pacman.conf. */
  commandTimeoutSeconds: number;
  installTimeoutSeconds: number;
  /** Kernel modules by release; a running kernel with no directory here was upgraded away. */
  kernelModulesDir: string;
}

const path = (description: string) => ({
  type: 'string',
  default: '',
  pattern: '^(|/[^\\n\\r]*)$',
  description,
});

export const pacmanConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    root: path('pacman --root (absolute path); empty: pacman default.'),
    dbPath: path('pacman --dbpath (absolute path); empty: pacman default.'),
    config: path('pacman --config (absolute path); empty: /etc/pacman.conf.'),
    cacheDir: path('pacman --cachedir (absolute path); empty: pacman default.'),
    checkupdatesPath: { type: 'string', default: 'checkupdates' },
    refreshDatabases: { type: 'boolean', default: true },
    upgradeScope: { enum: ['system', 'packages'], default: 'system' },
    lockTimeoutSeconds: { type: 'integer', minimum: 0, maximum: 86_400, default: 300 },
    syncTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 600 },
    commandTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 300 },
    installTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 7_200 },
    kernelModulesDir: { type: 'string', minLength: 1, default: '/usr/lib/modules' },
  },
} as const;

/** checkupdates reads /etc/pacman.conf and the default database: usable only without overrides. */
export function canUseCheckupdates(config: PacmanConfig): boolean {
  return config.checkupdatesPath !== '' && !config.root && !config.dbPath && !config.config;
}
