import { randomUUID } from 'node:crypto';
import {
  type ConfigMessage,
  MAX_SCAN_INTERVAL_SEC,
  MIN_SCAN_INTERVAL_SEC,
} from '../../broker/protocol/index.js';
import type { Agent, Schedule } from '../db/index.js';

/** A schedule outside 1 minute – 24 hours is refused with the allowed range. */
export function intervalProblem(seconds: number): string | null {
  if (!Number.isInteger(seconds) || seconds < MIN_SCAN_INTERVAL_SEC || seconds > MAX_SCAN_INTERVAL_SEC)
    return `intervalSeconds must be an integer from ${MIN_SCAN_INTERVAL_SEC} (1 minute) to ${MAX_SCAN_INTERVAL_SEC} (24 hours), got ${seconds}`;
  return null;
}

/**
 * The agent's `config`: for each plugin, the most specific schedule wins (this agent, then one
 * of its labels, then everyone).
 */
export function configFor(
  agent: Pick<Agent, 'id' | 'labels'>,
  schedules: Schedule[],
  revision: number,
): ConfigMessage {
  const rank = (s: Schedule) =>
    s.agentId === agent.id
      ? 3
      : s.agentLabel && agent.labels.includes(s.agentLabel)
        ? 2
        : !s.agentId && !s.agentLabel
          ? 1
          : 0;
  const chosen = new Map<string, { schedule: Schedule; rank: number }>();
  for (const s of schedules) {
    const r = rank(s);
    if (r === 0) continue;
    const current = chosen.get(s.plugin);
    if (!current || r > current.rank) chosen.set(s.plugin, { schedule: s, rank: r });
  }
  return {
    v: 1,
    id: randomUUID(),
    ts: new Date().toISOString(),
    revision,
    schedules: Object.fromEntries(
      [...chosen].map(([plugin, { schedule }]) => [
        plugin,
        { enabled: schedule.enabled, intervalSeconds: schedule.intervalSeconds },
      ]),
    ),
    pluginSettings: {},
  };
}
