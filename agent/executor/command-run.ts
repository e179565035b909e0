import { createHash } from 'node:crypto';
import {
  type CommandMessage,
  MAX_PROGRESS_LINE,
  MAX_RESULT_OUTPUT,
  type ProgressStream,
  type UpType,
} from '../../broker/protocol/index.js';
import { envelope } from '../protocol/envelope.js';

export type Publish = (type: UpType, message: object) => Promise<boolean>;

/**
 * One running command: its cancel signal and time limit, its numbered `progress` lines (best
 * effort: a line sent while offline is lost and shows as a gap in `seq`), and the tail of its
 * output for the `result`.
 */
export class CommandRun {
  readonly startedAt = new Date().toISOString();
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private seq = 0;
  private readonly tail: string[] = [];
  private tailChars = 0;
  /** Why it was stopped: `timeout`, or the cancel's description. */
  stopReason: { kind: 'timeout' | 'cancelled'; detail: string } | null = null;
  /** The package manager is changing the system (issue 21 §6): a cancel no longer stops it. */
  private changing = false;

  constructor(
    readonly command: CommandMessage,
    private readonly publish: Publish,
    readonly timeoutMs: number,
  ) {
    this.timer = setTimeout(
      () =>
        this.stop(
          'timeout',
          `the command did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`,
        ),
      timeoutMs,
    );
    this.timer.unref();
  }

  get id(): string {
    return this.command.id;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** One line of output or narration; kept for the result and sent as `progress`. */
  line(stream: ProgressStream, text: string, percent?: number): void {
    const line = text.length > MAX_PROGRESS_LINE ? text.slice(0, MAX_PROGRESS_LINE) : text;
    this.keep(stream === 'status' ? `# ${line}` : line);
    const message = {
      ...envelope(),
      commandId: this.id,
      seq: this.seq++,
      stream,
      line,
      ...(percent !== undefined && Number.isFinite(percent)
        ? { percent: Math.max(0, Math.min(100, percent)) }
        : {}),
    };
    void this.publish('progress', message).catch(() => {});
  }

  status(text: string, percent?: number): void {
    this.line('status', text, percent);
  }

  /** The output tail for the result, cut at the front to the protocol's limit. */
  output(): string {
    const text = this.tail.join('\n');
    return text.length > MAX_RESULT_OUTPUT ? text.slice(text.length - MAX_RESULT_OUTPUT) : text;
  }

  /**
   * An install reached its point of no return. False when it was stopped before (it must not
   * go on); otherwise it is marked so that a cancel from now on is refused.
   */
  pointOfNoReturn(): boolean {
    if (this.stopReason) return false;
    this.changing = true;
    this.status('the package manager is changing the system now: a cancel can no longer stop it');
    return true;
  }

  /**
   * A `cancel` command: stops the run at once, unless it is past its point of no return, where
   * stopping would leave the system half changed; then it runs on (issue 21 §6).
   */
  cancel(detail: string): 'stopped' | 'cannot_stop_safely' {
    if (this.changing) return 'cannot_stop_safely';
    this.stop('cancelled', detail);
    return 'stopped';
  }

  /** Stops it whatever it is doing: its time limit, or the agent shutting down. */
  stop(kind: 'timeout' | 'cancelled', detail: string): void {
    if (this.stopReason) return;
    this.stopReason = { kind, detail };
    this.controller.abort(new Error(detail));
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private keep(line: string): void {
    this.tail.push(line);
    this.tailChars += line.length + 1;
    while (this.tailChars > MAX_RESULT_OUTPUT && this.tail.length > 1)
      this.tailChars -= this.tail.shift()!.length + 1;
  }
}

/**
 * The id of a command's `result` message, derived from the command id: a result written again
 * after a crash (docs/agent.md, "journal") carries the same id, so the core takes it as a
 * duplicate instead of a second result.
 */
export function resultIdFor(commandId: string): string {
  const hex = createHash('sha256').update(`redflag-result:${commandId}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
