import type { Knex } from 'knex';

/** An error the panel (or the Lovelace card) reported from a browser. */
export interface NewClientError {
  subsystem: string;
  type: string;
  message: string;
  stack: string | null;
  metadata: Record<string, unknown>;
  url: string | null;
  userAgent: string | null;
  /** When the browser saw it; null when it did not say. */
  occurredAt: Date | null;
  userId: string | null;
  /** "alice", "token:<id>", or null before sign-in. */
  reportedBy: string | null;
  remoteAddress: string | null;
}

export interface ClientError extends NewClientError {
  id: string;
  createdAt: Date;
}

export interface ClientErrorFilter {
  subsystems?: string[];
  since?: Date;
  /** Errors with an id smaller than this (the next page). */
  beforeId?: string;
  limit: number;
}

/** The table's row: the report's own fields under their names, the rest in snake case. */
type Row = Pick<NewClientError, 'subsystem' | 'type' | 'message' | 'stack' | 'metadata' | 'url'> & {
  id: string;
  user_agent: string | null;
  user_id: string | null;
  occurred_at: Date | null;
  reported_by: string | null;
  remote_address: string | null;
  created_at: Date;
};

export function clientErrorsRepository(knex: Knex) {
  return {
    /** A batch in one statement. */
    async insertMany(errors: NewClientError[]): Promise<void> {
      if (errors.length === 0) return;
      await knex('client_errors').insert(
        errors.map((e) => ({
          subsystem: e.subsystem,
          type: e.type,
          message: e.message,
          stack: e.stack,
          metadata: JSON.stringify(e.metadata),
          url: e.url,
          user_agent: e.userAgent,
          user_id: e.userId,
          occurred_at: e.occurredAt,
          reported_by: e.reportedBy,
          remote_address: e.remoteAddress,
        })),
      );
    },

    /** Deletes reports received before `before` (retention). */
    async prune(before: Date): Promise<number> {
      return (
        (await knex('client_errors').where('created_at', '<', before).delete().returning('id')) as unknown[]
      ).length;
    },

    /** Newest first. */
    async list(filter: ClientErrorFilter): Promise<ClientError[]> {
      const query = knex('client_errors').orderBy('id', 'desc').limit(filter.limit);
      if (filter.subsystems?.length) query.whereIn('subsystem', filter.subsystems);
      if (filter.since) query.where('created_at', '>=', filter.since);
      if (filter.beforeId) query.where('id', '<', filter.beforeId);
      return ((await query) as Row[]).map((r) => ({
        id: String(r.id),
        subsystem: r.subsystem,
        type: r.type,
        message: r.message,
        stack: r.stack,
        metadata: r.metadata,
        url: r.url,
        userAgent: r.user_agent,
        userId: r.user_id,
        occurredAt: r.occurred_at ? new Date(r.occurred_at) : null,
        reportedBy: r.reported_by,
        remoteAddress: r.remote_address,
        createdAt: new Date(r.created_at),
      }));
    },
  };
}
