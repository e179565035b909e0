import type { EventSeverity } from '../../broker/protocol/api-types.js';

export interface NewSystemEvent {
  type: string;
  subtype?: string | null;
  severity: EventSeverity;
  component: string;
  message: string;
  agentId?: string | null;
  metadata?: Record<string, unknown>;
}

export interface SystemEvent extends Required<Omit<NewSystemEvent, 'metadata'>> {
  id: string;
  metadata: Record<string, unknown>;
  createdAt: Date;
}
