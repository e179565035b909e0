import type { Knex } from 'knex';

export interface StoredOutputLine {
  seq: number;
  stream: string;
  line: string;
  percent: number | null;
  /** The agent's clock when it sent the line. */
  ts: Date;
}

interface Row {
  seq: number;
  stream: string;
  line: string;
  percent: number | null;
  agent_ts: Date;
}

/** Output lines of commands (the agent's `progress` messages), in the agent's order. */
export function commandOutputRepository(knex: Knex) {
  return {
    /** Stores lines in one statement; a line already stored (same seq) is kept as it was. Returns how many were new. */
    async append(commandId: string, lines: StoredOutputLine[]): Promise<number> {
      if (lines.length === 0) return 0;
      const result = (await knex.raw(
        `insert into command_output (command_id, seq, stream, line, percent, agent_ts)
         select ?::uuid, l.seq, l.stream, l.line, l.percent, l.ts
           from unnest(?::int[], ?::text[], ?::text[], ?::real[], ?::timestamptz[]) as l(seq, stream, line, percent, ts)
         on conflict (command_id, seq) do nothing
         returning seq`,
        [
          commandId,
          lines.map((l) => l.seq),
          lines.map((l) => l.stream),
          lines.map((l) => l.line),
          // knex's binding type has no nullable arrays; pg sends null elements as NULL.
          lines.map((l) => l.percent) as unknown as number[],
          lines.map((l) => l.ts.toISOString()),
        ],
      )) as { rows: unknown[] };
      return result.rows.length;
    },

    /** What a command has stored so far (to go on counting against the cap after a restart). */
    async usage(commandId: string): Promise<{ lines: number; chars: number }> {
      const row = (await knex('command_output')
        .where({ command_id: commandId })
        .select(
          knex.raw('count(*)::int as lines'),
          knex.raw('coalesce(sum(length(line)), 0)::bigint as chars'),
        )
        .first()) as { lines: number; chars: string | number };
      return { lines: row.lines, chars: Number(row.chars) };
    },

    /** Lines with a seq greater than `afterSeq`, in order. */
    async list(commandId: string, afterSeq: number, limit: number): Promise<StoredOutputLine[]> {
      const rows = (await knex('command_output')
        .where({ command_id: commandId })
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .select('seq', 'stream', 'line', 'percent', 'agent_ts')) as Row[];
      return rows.map((r) => ({
        seq: r.seq,
        stream: r.stream,
        line: r.line,
        percent: r.percent === null ? null : Number(r.percent),
        ts: new Date(r.agent_ts),
      }));
    },
  };
}
