import type { OperationContext } from './context.js';

/** An `integration` plugin (core side: Proxmox, Home Assistant), DESIGN.md §7. */
export interface Integration {
  start(op: OperationContext): Promise<void>;
  stop(op: OperationContext): Promise<void>;
}

/** What a notifier is asked to deliver: a system event (DESIGN.md §5 `system_events`). */
export interface Notification {
  type: string;
  subtype: string;
  severity: 'info' | 'warning' | 'error' | 'critical';
  message: string;
  agentId?: string;
  metadata?: Record<string, unknown>;
}

/** A `notifier` plugin (core side: `notify-*`). */
export interface Notifier {
  notify(notification: Notification, op: OperationContext): Promise<void>;
}
