/** The PackageKit plugin's settings (the agent config's `plugins.packagekit` section). */
export interface PackageKitConfig {
  /**
   * `auto`: used when PackageKit answers on the system bus and the host has none of the package
   * manager CLIs the other plugins drive (apt-get, dnf5, dnf, yum, pacman); `always`: used
   * whenever PackageKit answers; `never`: off.
   */
  use: 'auto' | 'always' | 'never';
  /** D-Bus address of the system bus; empty: `DBUS_SYSTEM_BUS_ADDRESS`, else the standard socket. */
  busAddress: string;
  /** Ask for the plural `Packages` signal (hint `supports-plural-signals=true`, PackageKit ≥ 1.2.6). */
  pluralSignals: boolean;
  /** Limit for one method call's reply (CreateTransaction, SetHints…). */
  callTimeoutSeconds: number;
  /** Limit for a query or simulation transaction (GetUpdates, Resolve, a dry run). */
  transactionTimeoutSeconds: number;
  installTimeoutSeconds: number;
  /** A reboot flag file also read by rebootRequired() (Debian's); empty: off. */
  rebootRequiredFile: string;
}

export const packageKitConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    use: { enum: ['auto', 'always', 'never'], default: 'auto' },
    busAddress: { type: 'string', maxLength: 1024, default: '' },
    pluralSignals: { type: 'boolean', default: true },
    callTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 3_600, default: 60 },
    transactionTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 1_800 },
    installTimeoutSeconds: { type: 'integer', minimum: 1, maximum: 86_400, default: 7_200 },
    rebootRequiredFile: { type: 'string', maxLength: 4096, default: '/run/reboot-required' },
  },
} as const;
