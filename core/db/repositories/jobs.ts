import type { Knex } from 'knex';

export interface JobRecord {
  name: string;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastError: string | null;
  runs: number;
}

interface JobRow {
  name: string;
  last_started_at: Date | null;
  last_finished_at: Date | null;
  last_error: string | null;
  runs: string | number;
}

/** The job runner's bookkeeping (issue 22 §3): one row per job name. */
export function jobsRepository(knex: Knex) {
  return {
    /**
     * Claims the run of `name` due at `now`: true when no run started within the last
     * `minGapMs` (here or on another core), and records this one as started. One statement, so
     * two cores asking at once cannot both get it.
     */
    async claim(name: string, now: Date, minGapMs: number): Promise<boolean> {
      await knex('jobs').insert({ name }).onConflict('name').ignore();
      const claimed = (await knex('jobs')
        .where({ name })
        .andWhere((q) =>
          q.whereNull('last_started_at').orWhere('last_started_at', '<=', new Date(now.getTime() - minGapMs)),
        )
        .update({ last_started_at: now, runs: knex.raw('runs + 1') })
        .returning('name')) as unknown[];
      return claimed.length === 1;
    },

    async finish(name: string, at: Date, error: string | null): Promise<void> {
      await knex('jobs').where({ name }).update({ last_finished_at: at, last_error: error });
    },

    async list(): Promise<JobRecord[]> {
      const rows = (await knex('jobs').orderBy('name')) as JobRow[];
      return rows.map((r) => ({
        name: r.name,
        lastStartedAt: r.last_started_at ? new Date(r.last_started_at) : null,
        lastFinishedAt: r.last_finished_at ? new Date(r.last_finished_at) : null,
        lastError: r.last_error,
        runs: Number(r.runs),
      }));
    },
  };
}
