/**
 * An expected, operational failure a plugin reports on purpose (the package manager exited
 * with an error, the dpkg lock stayed busy, a package name was refused). The host reports it
 * and keeps the plugin enabled; any other exception is a bug and disables the plugin.
 */
export class PluginError extends Error {
  override readonly name = 'PluginError';
  /** Short machine-readable reason, e.g. `lock-timeout`, `command-failed`, `invalid-request`. */
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    message: string,
    options: { code?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'plugin-error';
    this.details = options.details ?? {};
  }
}

/**
 * True for a PluginError, including one built by another copy of the SDK (a plugin bundled
 * with its own copy must still be treated as reporting an expected failure).
 */
export function isPluginError(error: unknown): error is PluginError {
  if (error instanceof PluginError) return true;
  return (
    error instanceof Error &&
    error.name === 'PluginError' &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

/** The message of anything thrown, without assuming it is an Error. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
