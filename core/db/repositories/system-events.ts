import type { Knex } from 'knex';
import { storableJson, storableText } from '../../../broker/protocol/index.js';
import type { EventSeverity } from '../../../broker/protocol/api-types.js';
import { EVENT_SEVERITIES as SEVERITIES } from '../../../broker/protocol/vocabulary.js';
import type { NewSystemEvent, SystemEvent } from '../../domain/index.js';

export type { EventSeverity };

/** Least to most severe: `minSeverity` takes the rest of the list from its place. */
export const EVENT_SEVERITIES: readonly EventSeverity[] = SEVERITIES;

export interface SystemEventFilter {
  agentId?: string;
  /** One type (shorthand for `types: [type]`). */
  type?: string;
  types?: string[];
  subtypes?: string[];
  /** Any of these severities. */
  severities?: EventSeverity[];
  /** One severity (shorthand for `severities: [severity]`). */
  severity?: EventSeverity;
  /** This severity or a worse one. */
  minSeverity?: EventSeverity;
  components?: string[];
  /** Created at or after. */
  since?: Date;
  /** Created before. */
  until?: Date;
  /** Events with an id smaller than this, newest first (the next page of the history). */
  beforeId?: string;
  /** Events with an id greater than this, oldest first (live stream catch-up). */
  afterId?: string;
  limit?: number;
}

interface Row {
  id: string;
  agent_id: string | null;
  type: string;
  subtype: string | null;
  severity: EventSeverity;
  component: string;
  message: string;
  metadata: Record<string, unknown>;
  created_at: Date;
}

export function systemEventsRepository(knex: Knex) {
  return {
    /**
     * Appends one event; returns it as stored. Its message and metadata often quote what the
     * core was handed (an error text, a name): they follow the protocol's string rules, so a NUL
     * or a lone surrogate in them cannot lose the event (issue 21 §8).
     */
    async record(event: NewSystemEvent): Promise<SystemEvent> {
      const [row] = (await knex('system_events')
        .insert({
          agent_id: event.agentId ?? null,
          type: event.type,
          subtype: event.subtype ?? null,
          severity: event.severity,
          component: event.component,
          message: storableText(event.message),
          metadata: storableJson(event.metadata ?? {}),
        })
        .returning('*')) as Row[];
      return fromRow(row!);
    },

    /**
     * An event an agent reported; stored once per message id, so a re-sent copy (lost
     * receipt) is recognised as a duplicate: null.
     */
    async recordFromAgent(
      agentId: string,
      messageId: string,
      event: NewSystemEvent,
    ): Promise<SystemEvent | null> {
      const result = (await knex.raw(
        `insert into system_events (agent_id, message_id, type, subtype, severity, component, message, metadata)
         values (?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (agent_id, message_id) where message_id is not null do nothing
         returning *`,
        [
          agentId,
          messageId,
          event.type,
          event.subtype ?? null,
          event.severity,
          event.component,
          event.message,
          JSON.stringify(event.metadata ?? {}),
        ],
      )) as { rows: Row[] };
      return result.rows[0] ? fromRow(result.rows[0]) : null;
    },

    /** Deletes events created before `before` (retention). */
    async prune(before: Date): Promise<number> {
      return (
        (await knex('system_events').where('created_at', '<', before).delete().returning('id')) as unknown[]
      ).length;
    },

    /** Newest first, or oldest first after `afterId` (catch-up reads forwards). */
    async list(filter: SystemEventFilter = {}): Promise<SystemEvent[]> {
      const query = knex<Row>('system_events').limit(Math.min(filter.limit ?? 100, 1000));
      if (filter.agentId) query.where('agent_id', filter.agentId);
      if (filter.type) query.where('type', filter.type);
      if (filter.types?.length) query.whereIn('type', filter.types);
      if (filter.subtypes?.length) query.whereIn('subtype', filter.subtypes);
      if (filter.severity) query.where('severity', filter.severity);
      if (filter.severities?.length) query.whereIn('severity', filter.severities);
      if (filter.minSeverity)
        query.whereIn('severity', EVENT_SEVERITIES.slice(EVENT_SEVERITIES.indexOf(filter.minSeverity)));
      if (filter.components?.length) query.whereIn('component', filter.components);
      if (filter.since) query.where('created_at', '>=', filter.since);
      if (filter.until) query.where('created_at', '<', filter.until);
      if (filter.beforeId) query.where('id', '<', filter.beforeId);
      if (filter.afterId) query.where('id', '>', filter.afterId).orderBy('id', 'asc');
      else query.orderBy('id', 'desc');
      return ((await query) as Row[]).map(fromRow);
    },
  };
}

function fromRow(row: Row): SystemEvent {
  return {
    id: String(row.id),
    agentId: row.agent_id,
    type: row.type,
    subtype: row.subtype,
    severity: row.severity,
    component: row.component,
    message: row.message,
    metadata: row.metadata,
    createdAt: new Date(row.created_at),
  };
}
