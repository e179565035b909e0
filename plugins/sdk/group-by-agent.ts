/**
 * A fleet-wide read (`ctx.fleet.packages()`, `ctx.containers.list()`) split by host, each host's
 * records in the order the read gave them: one query for the fleet instead of one per host.
 */
export function groupByAgent<T extends { agentId: string }>(records: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const record of records) {
    const group = groups.get(record.agentId);
    if (group) group.push(record);
    else groups.set(record.agentId, [record]);
  }
  return groups;
}
