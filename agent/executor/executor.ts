import { createHash } from 'node:crypto';
import type { ValidateFunction } from 'ajv';
import type { Logger } from 'pino';
import {
  type AckMessage,
  type CommandMessage,
  type CommandRejectReason,
  commandSigningPayload,
  type CommandType,
  type EventMessage,
  MAX_RESULT_OUTPUT,
  type ResultMessage,
  verifyCommand,
} from '../../broker/protocol/index.js';
import { createAjv, describeAjvErrors } from '../protocol/ajv.js';
import { envelope } from '../protocol/envelope.js';
import type { CommandJournal, JournalAck } from '../state/journal.js';
import type { Spool } from '../state/spool.js';
import { CommandRun, type Publish, resultIdFor } from './command-run.js';
import { RefusalReporter } from './refusal-reporter.js';
import type { CommandHandler, HandlerOutcome } from './handler.js';

export type AgentEvent = Omit<EventMessage, 'v' | 'id' | 'ts'>;

/** What a `cancel` did to its target (docs/agent.md, "cancel"). */
export type CancelOutcome = 'stopped' | 'withdrawn' | 'finished' | 'cannot_stop_safely';

export interface ExecutorOptions {
  agentId: string;
  /** Key id → public key of every server key trusted now (both during a rotation overlap). */
  serverKeys(): Record<string, string>;
  journal: CommandJournal;
  spool: Spool;
  /** Best effort (ack, progress): false when offline. */
  publish: Publish;
  handlers: Partial<Record<CommandType, CommandHandler>>;
  isPluginAvailable(name: string): boolean;
  /** Spools an event for the core. */
  report(event: AgentEvent): Promise<void>;
  logger: Logger;
  onAck?(ack: AckMessage): void;
  onResult?(result: ResultMessage): void;
  /** A handler asked for a restart to finish its command (update_agent). */
  onRestart?(commandId: string): void;
  /** The core's time (issue 25 §5): expiry and issue time are judged by it. The host's clock when absent. */
  clock?: { now(): number; settled(): Promise<void> };
}

/**
 * The command executor (DESIGN.md §3.6): verifies each command (shape, target, key,
 * signature, journal, time), answers `ack` or a refusal with its reason, journals the id
 * before anything runs, runs it with streamed progress, a time limit and cancellation, and
 * spools its `result`. A re-delivered command is never run again: it gets its original ack.
 */
export class CommandExecutor {
  private readonly running = new Map<string, CommandRun>();
  private readonly finishing = new Set<Promise<void>>();
  private readonly validators = new Map<CommandType, ValidateFunction>();
  private intake: Promise<void> = Promise.resolve();
  /** Aborts follow-up work (HandlerOutcome.followUp) when the agent stops. */
  private readonly stopping = new AbortController();
  private accepting = true;
  private readonly log: Logger;
  private readonly refusals: RefusalReporter;

  constructor(private readonly opts: ExecutorOptions) {
    this.log = opts.logger.child({ component: 'executor' });
    this.refusals = new RefusalReporter(opts.report, this.log);
    const ajv = createAjv();
    for (const [type, handler] of Object.entries(opts.handlers))
      this.validators.set(type as CommandType, ajv.compile(handler.paramsSchema));
  }

  /** A command that validated against the protocol schema; handled one at a time, in arrival order. */
  handle(command: CommandMessage): Promise<void> {
    const next = this.intake.then(() => this.receive(command));
    this.intake = next.catch((err: unknown) =>
      this.log.error({ err, commandId: command.id }, 'handling a command failed'),
    );
    return this.intake;
  }

  /** A command that failed the protocol schema: refused `malformed` when it has an id to answer. */
  malformed(id: string | null, error: string): void {
    this.log.warn({ commandId: id, error }, 'refused a malformed command');
    if (id) void this.answer(id, { accepted: false, reason: 'malformed', detail: error.slice(0, 1000) });
    this.refusals.refused(id, 'malformed', error, null);
  }

  /**
   * `cancel`: stops a running (or lock-waiting) command at once, unless it is an install past
   * its point of no return (`cannot_stop_safely`: it runs to its end, issue 21 §6). One that has
   * not arrived yet is withdrawn: journalled so that it is refused if it ever comes.
   */
  async cancel(commandId: string, by: { id: string; expiresAt: string }): Promise<CancelOutcome> {
    const run = this.running.get(commandId);
    if (run) {
      const outcome = run.cancel(`cancelled by command ${by.id}`);
      this.log.info({ commandId, cancelId: by.id, outcome }, 'cancel of a running command');
      return outcome;
    }
    if (this.opts.journal.has(commandId)) return 'finished';
    await this.opts.journal.recordAck({
      id: commandId,
      type: 'cancel',
      hash: '',
      receivedAt: new Date().toISOString(),
      expiresAt: by.expiresAt,
      ack: {
        accepted: false,
        reason: 'expired',
        detail: `withdrawn: cancelled by command ${by.id} before it arrived`,
      },
      withdrawnBy: by.id,
    });
    return 'withdrawn';
  }

  runningIds(): string[] {
    return [...this.running.keys()];
  }

  /**
   * At start: commands accepted by a previous run that never finished (it crashed or was
   * killed) get a `failed` result, so the core is not left waiting. The result id is derived
   * from the command id, so if that run had spooled its result after all, this one is a duplicate.
   */
  async recoverInterrupted(awaited: ReadonlySet<string> = new Set()): Promise<number> {
    let recovered = 0;
    for (const record of this.opts.journal.unfinished()) {
      // An update on trial: its result comes when the new version connects (or is rolled back).
      if (awaited.has(record.id)) continue;
      const resultId = resultIdFor(record.id);
      if (!this.opts.spool.has(resultId)) {
        const now = new Date().toISOString();
        await this.opts.spool.append('result', {
          ...envelope(),
          id: resultId,
          commandId: record.id,
          status: 'failed',
          startedAt: record.receivedAt,
          finishedAt: now,
          error: 'the agent stopped while this command was running (restart or crash); it was not resumed',
        });
      }
      await this.opts.journal.recordFinished(record.id, {
        status: 'failed',
        resultId,
        at: new Date().toISOString(),
      });
      recovered++;
    }
    if (recovered)
      this.log.warn({ recovered }, 'commands interrupted by the previous run reported as failed');
    return recovered;
  }

  /** Lets running commands finish for up to `graceMs`, then cancels the rest and waits for their results. */
  async stop(graceMs: number): Promise<void> {
    this.accepting = false;
    await this.intake;
    if (this.finishing.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.finishing),
      new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    for (const run of this.running.values()) run.stop('cancelled', 'the agent is stopping');
    this.stopping.abort(new Error('the agent is stopping'));
    await Promise.all(this.finishing);
  }

  private async receive(command: CommandMessage): Promise<void> {
    if (!this.accepting) return; // no ack: the core sends it again when we are back
    const { journal, clock } = this.opts;
    await clock?.settled();
    const check = verifyCommand(command, {
      agentId: this.opts.agentId,
      ...(clock ? { nowMs: clock.now() } : {}),
      keys: this.opts.serverKeys(),
      seen: (id) => journal.has(id),
    });
    if (!check.ok) {
      if (check.reason === 'replayed') return this.redelivered(command);
      return this.refuse(command, check.reason, check.detail, false);
    }
    const handler = this.opts.handlers[command.type];
    if (!handler || handler.available?.() === false)
      return this.refuse(command, 'unknown_type', `this agent does not run ${command.type} commands`, true);
    const validate = this.validators.get(command.type)!;
    if (!validate(command.params))
      return this.refuse(command, 'invalid_params', `params: ${describeAjvErrors(validate.errors)}`, true);
    const plugin = handler.plugin?.(command.params);
    if (plugin !== undefined && !this.opts.isPluginAvailable(plugin))
      return this.refuse(command, 'unknown_type', `no ${plugin} package manager on this host`, true);

    // Journalled (fsynced) before the ack and before anything runs: this id never runs again.
    // A journal that cannot take the record (a full disk) means the command is refused, not run.
    try {
      await journal.recordAck({ ...this.journalBase(command), ack: { accepted: true } });
    } catch (err) {
      const why = `the agent could not record this command in its journal, so it was not run: ${(err as Error).message}`;
      return this.refuse(command, 'storage_error', why, false);
    }
    await this.answer(command.id, { accepted: true });
    const done = this.execute(command, handler).catch((err: unknown) =>
      this.log.error({ err, commandId: command.id }, 'running a command failed'),
    );
    this.finishing.add(done);
    void done.finally(() => this.finishing.delete(done));
  }

  private async execute(command: CommandMessage, handler: CommandHandler): Promise<void> {
    const seconds = (command.params as { timeoutSeconds?: number }).timeoutSeconds;
    const run = new CommandRun(command, this.opts.publish, seconds ? seconds * 1000 : handler.timeoutMs);
    this.running.set(command.id, run);
    this.log.info({ commandId: command.id, type: command.type }, 'command started');
    run.status(`${command.type} started`);
    let outcome: HandlerOutcome;
    try {
      outcome = await handler.run(command.params, run);
    } catch (err) {
      outcome = { status: 'failed', error: `the agent failed running it: ${(err as Error).message}` };
    }
    if (run.stopReason && outcome.status !== 'succeeded') {
      outcome =
        run.stopReason.kind === 'timeout'
          ? { ...outcome, status: 'failed', error: run.stopReason.detail }
          : { ...outcome, status: 'cancelled', error: run.stopReason.detail };
    }
    if (outcome.restart && outcome.status === 'succeeded') {
      run.dispose();
      this.running.delete(command.id);
      this.log.info({ commandId: command.id, type: command.type }, 'restarting to finish the command');
      this.opts.onRestart?.(command.id);
      return;
    }
    run.status(`${command.type} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`);
    run.dispose();
    try {
      await this.finish(command.id, outcome, run.startedAt, run.output());
    } finally {
      this.running.delete(command.id);
    }
    if (outcome.followUp && !this.stopping.signal.aborted)
      await outcome
        .followUp(this.stopping.signal)
        .catch((err: unknown) =>
          this.log.error({ err, commandId: command.id }, 'the work after a command failed'),
        );
  }

  /**
   * Spools the result of a command and closes its journal entry; also for a command a previous
   * run left open on purpose (an update finished by the new version, or after its rollback).
   */
  async finish(commandId: string, outcome: HandlerOutcome, startedAt: string, output = ''): Promise<void> {
    const result: ResultMessage = {
      ...envelope(),
      id: resultIdFor(commandId),
      commandId,
      status: outcome.status,
      startedAt,
      finishedAt: new Date().toISOString(),
      ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
      ...(outcome.error ? { error: outcome.error.slice(0, 8192) } : {}),
      output: output.slice(-MAX_RESULT_OUTPUT),
      ...(outcome.data ? { data: outcome.data } : {}),
    };
    try {
      await this.opts.spool.append('result', result);
      await this.opts.journal.recordFinished(commandId, {
        status: result.status,
        resultId: result.id,
        at: result.finishedAt,
      });
    } catch (err) {
      // The spool holds what the disk refuses, so this is the journal: the result still goes out
      // (held in memory) and a restart reports the command as interrupted under the same result id.
      this.log.error({ err, commandId }, 'could not record the end of the command');
    }
    this.log.info({ commandId, status: result.status, error: result.error }, 'command finished');
    this.opts.onResult?.(result);
  }

  /** The same command again (a lost ack, a broker re-delivery): its original answer, never a second run. */
  private async redelivered(command: CommandMessage): Promise<void> {
    const record = this.opts.journal.get(command.id)!;
    if (record.withdrawnBy) return this.answer(command.id, record.ack);
    if (record.hash !== hashOf(command)) {
      // Same id, other content: not a re-delivery but a different command reusing an id.
      return this.refuse(
        command,
        'replayed',
        `command id ${command.id} was already used by another command`,
        false,
      );
    }
    this.log.info(
      { commandId: command.id, accepted: record.ack.accepted },
      'command delivered again; repeating the original answer',
    );
    await this.answer(command.id, record.ack);
  }

  private async refuse(
    command: CommandMessage,
    reason: CommandRejectReason,
    detail: string,
    journal: boolean,
  ): Promise<void> {
    this.log.warn({ commandId: command.id, type: command.type, reason, detail }, 'command refused');
    const ack: JournalAck = { accepted: false, reason, detail: detail.slice(0, 1000) };
    // Only a command whose signature verified may take an id in the journal. A refusal that
    // cannot be journalled is still a refusal: if the command comes again it is refused again.
    if (journal)
      await this.opts.journal
        .recordAck({ ...this.journalBase(command), ack })
        .catch((err: unknown) =>
          this.log.error({ err, commandId: command.id }, 'could not journal a refusal'),
        );
    await this.answer(command.id, ack);
    this.refusals.refused(command.id, reason, detail, command.type);
  }

  private async answer(commandId: string, ack: JournalAck): Promise<void> {
    const message: AckMessage = { ...envelope(), commandId, ...ack };
    if (!(await this.opts.publish('ack', message)))
      this.log.debug({ commandId }, 'ack not sent (offline); the core sends the command again');
    this.opts.onAck?.(message);
  }

  private journalBase(command: CommandMessage) {
    return {
      id: command.id,
      type: command.type,
      hash: hashOf(command),
      receivedAt: new Date().toISOString(),
      expiresAt: command.expiresAt,
    };
  }
}

function hashOf(command: CommandMessage): string {
  return createHash('sha256').update(commandSigningPayload(command)).digest('hex');
}
