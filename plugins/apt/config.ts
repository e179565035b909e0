/** The apt plugin's settings (the agent config's `plugins.apt` section). */
export interface AptConfig {
  /** Run `apt-get update` before each scan; a failure is reported with the scan, not fatal. */
  updateBeforeScan: boolean;
  /**
   * Extra apt configuration, one `Key=Value` per item, passed to every apt command as `-o`.
   * E.g. a proxy (`Acquire::http::Proxy=http://proxy:3142`) or a separate sources list.
   */
  aptOptions: string[];
  /** How long to wait for the dpkg and apt locks held by another apt, dpkg or unattended-upgrades. */
  lockTimeoutSeconds: number;
  updateTimeoutSeconds: number;
  /** Listing, simulating, reading holds and the dpkg database. */
  commandTimeoutSeconds: number;
  installTimeoutSeconds: number;
  /** Written by unattended-upgrades and update-notifier when an upgrade needs a reboot. */
  rebootRequiredFile: string;
  /** `needrestart` adds the running-kernel and microcode checks when it is installed; empty: off. */
  needrestartPath: string;
}

export const aptConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    updateBeforeScan: { type: 'boolean', default: true, description: 'Run apt-get update before each scan.' },
    aptOptions: {
      type: 'array',
      default: [],
      description: 'Extra apt configuration passed as -o Key=Value to every apt command.',
      items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_:.+-]*=[^\\n\\r]*$' },
    },
    lockTimeoutSeconds: { type: 'integer', minimum: 0, maximum: 86_400, default: 300 },
    updateTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 600 },
    commandTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 300 },
    installTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 7_200 },
    rebootRequiredFile: { type: 'string', minLength: 1, default: '/run/reboot-required' },
    needrestartPath: { type: 'string', default: '/usr/sbin/needrestart' },
  },
} as const;
