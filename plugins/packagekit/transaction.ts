import { PluginError } from '../sdk/index.js';
import { type BusConnection, type DBusBody, waitFor } from './dbus-connection.js';
import { EXIT, errorName, exitName } from './enums.js';
import {
  type ErrorCodeSignal,
  type PackageSignal,
  parseChangedNumbers,
  parseErrorCode,
  parseFinished,
  parseItemProgress,
  parsePackagesBody,
  parsePackageTuple,
  parseRequireRestart,
} from './parse-signals.js';

export const PACKAGEKIT = 'org.freedesktop.PackageKit';
/** The daemon's object (not `/`: `Object does not exist at path "/"` from packagekitd 1.2.6). */
export const PACKAGEKIT_PATH = '/org/freedesktop/PackageKit';
export const TRANSACTION_IFACE = 'org.freedesktop.PackageKit.Transaction';
const PROPERTIES_IFACE = 'org.freedesktop.DBus.Properties';

export interface TransactionProgress {
  /** The Percentage property (0–100; PackageKit's 101, "unknown", is left out). */
  percent?: number;
  /** ItemProgress: one package's progress. */
  item?: { packageId: string; status: number; percent: number };
  /** The Status property (PkStatusEnum) changed. */
  status?: number;
}

export interface TransactionSpec {
  /** The Transaction method and its arguments (`GetUpdates`, `t`, `[2]`). */
  member: string;
  signature: string;
  body: unknown[];
  timeoutMs: number;
  callTimeoutMs: number;
  pluralSignals: boolean;
  signal: AbortSignal;
  onPackage?(pkg: PackageSignal): void;
  onProgress?(progress: TransactionProgress): void;
  log?(message: string): void;
}

export interface TransactionResult {
  path: string;
  packages: PackageSignal[];
  restarts: { type: number; packageId: string }[];
  /** Signals that could not be read. */
  problems: string[];
  /** Which signal carried the packages: `Packages` (plural), `Package`, or both. */
  signalsSeen: Set<'Package' | 'Packages'>;
}

/**
 * Runs one PackageKit transaction: CreateTransaction, subscribe to its signals (AddMatch, and
 * the listener in place before the method is called: dbus-native delivers a signal only to
 * listeners present when it arrives), SetHints, the method, then collect signals until
 * Finished. A failed exit becomes a PluginError with PackageKit's error code; an abort cancels
 * the transaction on the daemon (Cancel) before giving up.
 */
export async function runTransaction(bus: BusConnection, spec: TransactionSpec): Promise<TransactionResult> {
  const call = { signal: spec.signal, timeoutMs: spec.callTimeoutMs };
  const [path] = await bus.call(
    { destination: PACKAGEKIT, path: PACKAGEKIT_PATH, interface: PACKAGEKIT, member: 'CreateTransaction' },
    call,
  );
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw new PluginError(`PackageKit CreateTransaction returned no object path: ${String(path)}`, {
      code: 'unreadable-output',
    });

  const result: TransactionResult = {
    path,
    packages: [],
    restarts: [],
    problems: [],
    signalsSeen: new Set(),
  };
  const errors: ErrorCodeSignal[] = [];
  let finished: ((exit: number) => void) | undefined;
  const finishedExit = new Promise<number>((resolve) => (finished = resolve));
  let vanished: (() => void) | undefined;
  const daemonGone = new Promise<never>((_, reject) => {
    vanished = () =>
      reject(
        new PluginError(
          `PackageKit exited during ${spec.member} without finishing it (the daemon crashed or was stopped)`,
          {
            code: 'packagekit-crashed',
          },
        ),
      );
  });
  daemonGone.catch(() => {});
  const addPackage = (pkg: PackageSignal) => {
    result.packages.push(pkg);
    spec.onPackage?.(pkg);
  };
  const on = (iface: string, member: string, handler: (body: DBusBody) => void) =>
    bus.onSignal(path, iface, member, handler);
  const unsubscribe = [
    on(TRANSACTION_IFACE, 'Package', (body) => {
      result.signalsSeen.add('Package');
      const parsed = parsePackageTuple(body);
      if (parsed.ok) addPackage(parsed.value);
      else result.problems.push(parsed.problem);
    }),
    on(TRANSACTION_IFACE, 'Packages', (body) => {
      result.signalsSeen.add('Packages');
      const parsed = parsePackagesBody(body);
      parsed.packages.forEach(addPackage);
      result.problems.push(...parsed.problems);
    }),
    on(TRANSACTION_IFACE, 'ErrorCode', (body) => {
      const parsed = parseErrorCode(body);
      if (parsed.ok) errors.push(parsed.value);
      else result.problems.push(parsed.problem);
    }),
    on(TRANSACTION_IFACE, 'RequireRestart', (body) => {
      const parsed = parseRequireRestart(body);
      if (parsed.ok) result.restarts.push(parsed.value);
      else result.problems.push(parsed.problem);
    }),
    on(TRANSACTION_IFACE, 'ItemProgress', (body) => {
      const parsed = parseItemProgress(body);
      if (parsed.ok)
        spec.onProgress?.({
          item: { packageId: parsed.value.id, status: parsed.value.status, percent: parsed.value.percent },
        });
    }),
    on(PROPERTIES_IFACE, 'PropertiesChanged', (body) => {
      const changed = parseChangedNumbers(body);
      const percent = changed.get('Percentage');
      const status = changed.get('Status');
      if (percent !== undefined && percent <= 100) spec.onProgress?.({ percent });
      if (status !== undefined) spec.onProgress?.({ status });
    }),
    // The daemon going away (a crash: Debian 12's packagekit 1.2.6 aborts on a Debian-Security
    // update) ends the transaction without a Finished signal.
    bus.onSignal('/org/freedesktop/DBus', 'org.freedesktop.DBus', 'NameOwnerChanged', (body) => {
      const [name, , owner] = body;
      if (name === PACKAGEKIT && owner === '') vanished?.();
    }),
    on(TRANSACTION_IFACE, 'Finished', (body) => {
      const parsed = parseFinished(body);
      if (!parsed.ok) result.problems.push(parsed.problem);
      finished?.(parsed.ok ? parsed.value.exit : EXIT.unknown);
    }),
  ];

  try {
    await bus.addMatch(`type='signal',sender='${PACKAGEKIT}',path='${path}'`, call);
    await bus.addMatch(
      `type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='${PACKAGEKIT}'`,
      call,
    );
    const hints = ['interactive=false', ...(spec.pluralSignals ? ['supports-plural-signals=true'] : [])];
    await bus.call(
      {
        destination: PACKAGEKIT,
        path,
        interface: TRANSACTION_IFACE,
        member: 'SetHints',
        signature: 'as',
        body: [hints],
      },
      call,
    );
    await bus.call(
      {
        destination: PACKAGEKIT,
        path,
        interface: TRANSACTION_IFACE,
        member: spec.member,
        signature: spec.signature,
        body: spec.body,
      },
      call,
    );
    let exit: number;
    try {
      exit = await waitFor<number>(
        { signal: spec.signal, timeoutMs: spec.timeoutMs },
        bus.closed,
        `${spec.member} (Finished)`,
        (resolve, reject) => {
          void finishedExit.then(resolve);
          daemonGone.catch(reject);
        },
      );
    } catch (error) {
      if ((error as { code?: unknown }).code === 'packagekit-crashed') throw error;
      const exit = await cancel(bus, path, finishedExit, spec.callTimeoutMs);
      spec.log?.(
        `${spec.member} stopped (${describeError(error)}): PackageKit transaction ${path} ${exit === undefined ? 'did not confirm the Cancel' : `finished with ${exitName(exit)}`}`,
      );
      throw error;
    }
    if (exit !== EXIT.success) throw transactionError(spec.member, exit, errors);
    return result;
  } finally {
    for (const off of unsubscribe) off();
  }
}

/**
 * Asks the daemon to stop the transaction (Cancel) and waits a moment for its Finished, so a
 * cancelled or timed-out install does not go on running inside PackageKit.
 */
async function cancel(
  bus: BusConnection,
  path: string,
  finished: Promise<number>,
  timeoutMs: number,
): Promise<number | undefined> {
  const own = new AbortController();
  const options = { signal: own.signal, timeoutMs: Math.min(timeoutMs, 30_000) };
  try {
    await bus.call(
      { destination: PACKAGEKIT, path, interface: TRANSACTION_IFACE, member: 'Cancel' },
      options,
    );
    return await waitFor<number>(
      options,
      bus.closed,
      'Cancel (Finished)',
      (resolve) => void finished.then(resolve),
    );
  } catch {
    return undefined; // the daemon may be hung or already done; the connection closes after this
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function transactionError(member: string, exit: number, errors: ErrorCodeSignal[]): PluginError {
  const first = errors[0];
  const described = errors.map((e) => `${errorName(e.code)}: ${e.details.trim()}`).join('; ');
  const code =
    exit === EXIT['need-untrusted']
      ? 'untrusted'
      : exit === EXIT.cancelled
        ? 'cancelled'
        : first
          ? `packagekit-${errorName(first.code)}`
          : 'packagekit-failed';
  const message = `PackageKit ${member} ended with ${exitName(exit)}${described ? `: ${described}` : ''}`;
  return new PluginError(message, {
    code,
    details: {
      exit: exitName(exit),
      errors: errors.map((e) => ({ code: errorName(e.code), details: e.details })),
    },
  });
}
