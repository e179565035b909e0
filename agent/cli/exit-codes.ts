/** Exit codes of `redflag-agent` (docs/agent.md). Scripts may rely on them: never renumber. */
export const EXIT = {
  OK: 0,
  /** Anything that went wrong: server unreachable or refusing, a scan that failed. */
  FAILURE: 1,
  /** Bad arguments or options. */
  USAGE: 2,
  /** The command needs a registered agent and this one is not. */
  NOT_REGISTERED: 3,
  /** Another agent process holds this identity or state directory. */
  LOCKED: 4,
  /** The config file cannot be read or migrated (it is left as it was). */
  CONFIG: 5,
  /** The server's signing key is not the one the registration token names. */
  KEY_MISMATCH: 6,
  /** `register` on an agent that is already registered (use --force or unregister). */
  ALREADY_REGISTERED: 7,
  /** `run` stopped to be restarted by its service manager (a self-update; EX_TEMPFAIL). */
  RESTART: 75,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI reports as one line on stderr and an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
