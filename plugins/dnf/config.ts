/** The dnf plugin's settings (the agent config's `plugins.dnf` section). */
export interface DnfConfig {
  /** Which front end to drive; `auto` takes the first of dnf5, dnf, yum found on PATH. */
  tool: 'auto' | 'dnf5' | 'dnf' | 'yum';
  /**
   * Manage the system under this directory instead of `/` (`--installroot` for dnf, `--root`
   * for rpm): containers' and chroots' roots, and the tests' throw-away systems.
   */
  installRoot: string;
  /**
   * Extra long options passed to every dnf/yum command, e.g. `--setopt=reposdir=/srv/repos`,
   * `--releasever=40`, `--disableplugin=local`, `--nogpgcheck`. Long options only, so none can
   * be mistaken for a package name.
   */
  dnfOptions: string[];
  /** Scans ask for fresh repository metadata (`--refresh`); on failure they use the cache. */
  refreshMetadata: boolean;
  /** Listing, simulating, reading advisories, holds and the rpm database. */
  commandTimeoutSeconds: number;
  installTimeoutSeconds: number;
  /** Run `needs-restarting -r` for the reboot status; off, the status is always "not required". */
  checkReboot: boolean;
}

export const dnfConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tool: {
      enum: ['auto', 'dnf5', 'dnf', 'yum'],
      default: 'auto',
      description: 'The package manager front end: auto takes the first of dnf5, dnf, yum on PATH.',
    },
    installRoot: {
      type: 'string',
      default: '',
      // Absolute, no newline: it becomes one argument of dnf and rpm.
      pattern: '^(/[^\\n\\r]*)?$',
      description: 'Manage the system under this directory (dnf --installroot, rpm --root); empty: /.',
    },
    dnfOptions: {
      type: 'array',
      default: [],
      description: 'Extra long options for every dnf/yum command (--setopt=key=value, --releasever=…).',
      items: { type: 'string', pattern: '^--[a-z][a-z0-9-]*(=[^\\n\\r]*)?$' },
    },
    refreshMetadata: {
      type: 'boolean',
      default: true,
      description: 'Scans ask for fresh repository metadata (--refresh).',
    },
    commandTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 600 },
    installTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 7_200 },
    checkReboot: {
      type: 'boolean',
      default: true,
      description: 'Ask needs-restarting -r whether a reboot is needed.',
    },
  },
} as const;
