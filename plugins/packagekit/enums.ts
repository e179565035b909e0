/**
 * PackageKit's enumerations as they travel over D-Bus. Checked against PackageKit's
 * `lib/packagekit-glib2/pk-enum.h` (PkInfoEnum, PkFilterEnum, PkTransactionFlagEnum, PkExitEnum,
 * PkRestartEnum, PkErrorEnum, PkStatusEnum) and Debian 12's packagekit 1.2.6
 * `/usr/share/dbus-1/interfaces/org.freedesktop.PackageKit.Transaction.xml`.
 * Enumerations are plain values; filters and transaction flags are bitfields of `1 << value`.
 */

/** PkInfoEnum: the `info` of a Package signal (low 16 bits). */
export const INFO = {
  unknown: 0,
  installed: 1,
  available: 2,
  low: 3,
  enhancement: 4,
  normal: 5,
  bugfix: 6,
  important: 7,
  security: 8,
  blocked: 9,
  downloading: 10,
  updating: 11,
  installing: 12,
  removing: 13,
  cleanup: 14,
  obsoleting: 15,
  'collection-installed': 16,
  'collection-available': 17,
  finished: 18,
  reinstalling: 19,
  downgrading: 20,
  preparing: 21,
  decompressing: 22,
  untrusted: 23,
  trusted: 24,
  unavailable: 25,
  /** Since PackageKit 1.2.4, for update severities. */
  critical: 26,
} as const;

export type InfoName = keyof typeof INFO;
const INFO_NAMES = new Map<number, InfoName>(
  Object.entries(INFO).map(([name, value]) => [value, name as InfoName]),
);

/** The name of a PkInfoEnum value; `unknown` for a value this table does not know. */
export function infoName(value: number): InfoName {
  return INFO_NAMES.get(value) ?? 'unknown';
}

/** PkFilterEnum values; pass `bitfield(FILTER.none)`. */
export const FILTER = { none: 1, installed: 2, notInstalled: 3, newest: 16, arch: 18 } as const;

/** PkTransactionFlagEnum values; pass `bitfield(...)`. */
export const TRANSACTION_FLAG = { onlyTrusted: 1, simulate: 2, onlyDownload: 3 } as const;

/** `1 << value` for each value, ORed: PackageKit's bitfield encoding (`pk-bitfield.h`). */
export function bitfield(...values: number[]): number {
  return values.reduce((bits, v) => bits + 2 ** v, 0);
}

/** PkExitEnum: the `exit` of the Finished signal. */
export const EXIT = {
  unknown: 0,
  success: 1,
  failed: 2,
  cancelled: 3,
  'key-required': 4,
  'eula-required': 5,
  killed: 6,
  'media-change-required': 7,
  'need-untrusted': 8,
  'cancelled-priority': 9,
  'skip-transaction': 10,
  'repair-required': 11,
} as const;

export function exitName(value: number): string {
  return Object.entries(EXIT).find(([, v]) => v === value)?.[0] ?? `exit ${value}`;
}

/** PkRestartEnum: the `type` of RequireRestart. */
export const RESTART = {
  unknown: 0,
  none: 1,
  application: 2,
  session: 3,
  system: 4,
  'security-session': 5,
  'security-system': 6,
} as const;

/** Restart types that mean the machine must reboot. */
export function isSystemRestart(type: number): boolean {
  return type === RESTART.system || type === RESTART['security-system'];
}

/** PkStatusEnum values the plugin reacts to. */
export const STATUS = { waitingForLock: 30, waitingForAuth: 31, download: 8 } as const;

/**
 * PkErrorEnum in order (value = index), for readable error codes: ErrorCode(3, …) is
 * `packagekit-not-supported`.
 */
const ERROR_NAMES = [
  'unknown',
  'oom',
  'no-network',
  'not-supported',
  'internal-error',
  'gpg-failure',
  'package-id-invalid',
  'package-not-installed',
  'package-not-found',
  'package-already-installed',
  'package-download-failed',
  'group-not-found',
  'group-list-invalid',
  'dep-resolution-failed',
  'filter-invalid',
  'create-thread-failed',
  'transaction-error',
  'transaction-cancelled',
  'no-cache',
  'repo-not-found',
  'cannot-remove-system-package',
  'process-kill',
  'failed-initialization',
  'failed-finalise',
  'failed-config-parsing',
  'cannot-cancel',
  'cannot-get-lock',
  'no-packages-to-update',
  'cannot-write-repo-config',
  'local-install-failed',
  'bad-gpg-signature',
  'missing-gpg-signature',
  'cannot-install-source-package',
  'repo-configuration-error',
  'no-license-agreement',
  'file-conflicts',
  'package-conflicts',
  'repo-not-available',
  'invalid-package-file',
  'package-install-blocked',
  'package-corrupt',
  'all-packages-already-installed',
  'file-not-found',
  'no-more-mirrors-to-try',
  'no-distro-upgrade-data',
  'incompatible-architecture',
  'no-space-on-device',
  'media-change-required',
  'not-authorized',
  'update-not-found',
  'cannot-install-repo-unsigned',
  'cannot-update-repo-unsigned',
  'cannot-get-filelist',
  'cannot-get-requires',
  'cannot-disable-repository',
  'restricted-download',
  'package-failed-to-configure',
  'package-failed-to-build',
  'package-failed-to-install',
  'package-failed-to-remove',
  'update-failed-due-to-running-process',
  'package-database-changed',
  'provide-type-not-supported',
  'install-root-invalid',
  'cannot-fetch-sources',
  'cancelled-priority',
  'unfinished-transaction',
  'lock-required',
  'repo-already-set',
] as const;

export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `error-${code}`;
}
