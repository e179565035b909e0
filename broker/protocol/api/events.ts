/** System events and the panel's error reports (docs/api.md "Events"). */
import type { EventSeverity } from '../vocabulary-types.js';

export interface SystemEvent {
  id: string;
  agentId?: string | null;
  type: string;
  subtype?: string | null;
  severity: EventSeverity;
  component: string;
  message: string;
  metadata?: Record<string, unknown>;
  createdAt: string;
}

/** GET /api/v1/events filters (docs/api.md "Events"). */
export interface EventQuery {
  agent?: string;
  type?: string;
  severity?: string;
  minSeverity?: EventSeverity;
  component?: string;
  since?: string;
  until?: string;
}

/** POST /api/v1/client-errors (DESIGN.md §5 client_errors). */
export interface ClientErrorReport {
  subsystem: string;
  type: string;
  message: string;
  stack?: string;
  metadata?: Record<string, unknown>;
  url?: string;
  userAgent?: string;
  occurredAt: string;
}
