import type { Logger } from 'pino';
import type { CommandRejectReason, EventMessage } from '../../broker/protocol/index.js';

// Refusals worth a security event: someone sent a command that is not the core's, or not for us.
// The others (expired, unknown type, invalid params) the core records itself from the ack.
const SECURITY_REASONS = new Set<CommandRejectReason>([
  'malformed',
  'wrong_agent',
  'unknown_key',
  'bad_signature',
  'replayed',
]);
const EVENTS_PER_MINUTE = 20;

/**
 * Security events for refused commands (`security` / `command_rejected`): a forged command has
 * no row at the core, so the agent's event is its only trace. At most 20 a minute, so a flood
 * of garbage cannot fill the spool; the rest are in the log.
 */
export class RefusalReporter {
  private window = { start: 0, count: 0 };

  constructor(
    private readonly report: (event: Omit<EventMessage, 'v' | 'id' | 'ts'>) => Promise<void>,
    private readonly log: Logger,
  ) {}

  refused(commandId: string | null, reason: CommandRejectReason, detail: string, type: string | null): void {
    if (!SECURITY_REASONS.has(reason)) return;
    const now = Date.now();
    if (now - this.window.start > 60_000) this.window = { start: now, count: 0 };
    if (++this.window.count > EVENTS_PER_MINUTE) return;
    void this.report({
      type: 'security',
      subtype: 'command_rejected',
      severity: 'warning',
      message: `refused a command${type ? ` (${type})` : ''}: ${reason}: ${detail}`.slice(0, 4096),
      metadata: { commandId, reason, detail: detail.slice(0, 1000), commandType: type },
    }).catch((err: unknown) => this.log.error({ err }, 'could not spool the security event'));
  }
}
