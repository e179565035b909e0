import dbus from '@homebridge/dbus-native';
import { PluginError } from '../sdk/index.js';

/**
 * One connection to the system bus with `@homebridge/dbus-native`, wrapped in promises at this
 * one boundary (DESIGN.md §9). Every wait honours an abort signal and a time limit, so a daemon
 * that never answers cannot hold an operation: the host's guard aborts the operation's signal
 * and the pending call is dropped with the connection.
 */
export interface MethodCall {
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: unknown[];
}

/** What dbus-native hands a method-return or signal: the body as an array. */
export type DBusBody = unknown[];

export interface BusConnection {
  call(call: MethodCall, options: WaitOptions): Promise<DBusBody>;
  /** Subscribes with AddMatch; resolves once the bus has the rule, so no signal can be missed. */
  addMatch(rule: string, options: WaitOptions): Promise<void>;
  /** Handler for signals on one object path; returns the unsubscribe function. */
  onSignal(path: string, iface: string, member: string, handler: (body: DBusBody) => void): () => void;
  /** Rejects when the connection fails or closes. */
  readonly closed: Promise<never>;
  close(): void;
}

export interface WaitOptions {
  signal: AbortSignal;
  timeoutMs: number;
}

// dbus-native's own typings declare only part of its API; this is the part used here.
interface NativeBus {
  connection: NodeJS.EventEmitter & { end(): void; stream: { destroy(): void } };
  signals: NodeJS.EventEmitter;
  invoke(message: MethodCall, callback: (error: unknown, ...body: unknown[]) => void): void;
  mangle(path: string, iface: string, member: string): string;
}
const createClient = (dbus as unknown as { createClient(opts: { busAddress: string }): NativeBus })
  .createClient;

export const SYSTEM_BUS_SOCKET = 'unix:path=/var/run/dbus/system_bus_socket';

/** The configured address, else `DBUS_SYSTEM_BUS_ADDRESS`, else the standard system bus socket. */
export function systemBusAddress(configured: string): string {
  return configured || process.env.DBUS_SYSTEM_BUS_ADDRESS || SYSTEM_BUS_SOCKET;
}

export function openBus(address: string): BusConnection {
  let bus: NativeBus;
  try {
    bus = createClient({ busAddress: address });
  } catch (error) {
    throw new PluginError(`cannot connect to the system bus at ${address}: ${describe(error)}`, {
      code: 'dbus-unavailable',
      cause: error,
    });
  }
  let failure: PluginError | undefined;
  let rejectClosed: (error: PluginError) => void = () => {};
  const closed = new Promise<never>((_, reject) => (rejectClosed = reject));
  closed.catch(() => {});
  const fail = (error: PluginError) => {
    failure ??= error;
    rejectClosed(failure);
  };
  // Without a listener a socket error would be thrown out of the event loop.
  bus.connection.on('error', (error: unknown) =>
    fail(
      new PluginError(`the system bus at ${address} failed: ${describe(error)}`, {
        code: 'dbus-unavailable',
        cause: error,
      }),
    ),
  );
  bus.connection.on('end', () =>
    fail(new PluginError(`the system bus at ${address} closed the connection`, { code: 'dbus-closed' })),
  );

  const call = (message: MethodCall, options: WaitOptions) =>
    waitFor<DBusBody>(options, closed, `${message.interface}.${message.member}`, (resolve, reject) => {
      if (failure) return reject(failure);
      bus.invoke(message, (error, ...body) => {
        if (error) reject(remoteError(message, error));
        else resolve(body);
      });
    });

  return {
    call,
    async addMatch(rule, options) {
      await call(
        {
          destination: 'org.freedesktop.DBus',
          path: '/org/freedesktop/DBus',
          interface: 'org.freedesktop.DBus',
          member: 'AddMatch',
          signature: 's',
          body: [rule],
        },
        options,
      );
    },
    onSignal(path, iface, member, handler) {
      const key = bus.mangle(path, iface, member);
      const listener = (body: unknown) => handler(Array.isArray(body) ? body : []);
      bus.signals.on(key, listener);
      return () => bus.signals.off(key, listener);
    },
    closed,
    close() {
      failure ??= new PluginError('connection closed', { code: 'dbus-closed' });
      try {
        bus.connection.end();
        bus.connection.stream.destroy();
      } catch {
        // already gone
      }
    },
  };
}

/**
 * Waits for `start` to settle, or rejects when the signal aborts, the time runs out or the
 * connection fails; whichever comes first.
 */
export function waitFor<T>(
  options: WaitOptions,
  closed: Promise<never>,
  what: string,
  start: (resolve: (value: T) => void, reject: (error: unknown) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const { signal } = options;
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new PluginError(`PackageKit did not answer ${what} within ${options.timeoutMs / 1000} s`, {
              code: 'packagekit-timeout',
            }),
          ),
        ),
      options.timeoutMs,
    );
    const onAbort = () => finish(() => reject(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    let done = false;
    function finish(settle: () => void) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      settle();
    }
    closed.catch((error: unknown) => finish(() => reject(error)));
    try {
      start(
        (value) => finish(() => resolve(value)),
        (error) => finish(() => reject(error)),
      );
    } catch (error) {
      finish(() => reject(error));
    }
  });
}

/** A D-Bus error reply as a PluginError (`org.freedesktop.DBus.Error.ServiceUnknown: …`). */
function remoteError(message: MethodCall, error: unknown): PluginError {
  const { name, message: text } = (error ?? {}) as { name?: unknown; message?: unknown };
  const errorName = typeof name === 'string' ? name : 'unknown D-Bus error';
  const code =
    errorName === 'org.freedesktop.DBus.Error.ServiceUnknown' ||
    errorName === 'org.freedesktop.DBus.Error.NameHasNoOwner'
      ? 'packagekit-unavailable'
      : 'dbus-error';
  return new PluginError(
    `${message.interface}.${message.member} failed: ${errorName}${typeof text === 'string' && text ? `: ${text}` : ''}`,
    { code, details: { dbusError: errorName } },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
