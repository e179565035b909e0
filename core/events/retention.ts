import { RUNTIME_SETTING_KEYS, runtimeSettingsFrom } from '../config/index.js';
import type { Database } from '../db/index.js';

const DAY_MS = 86_400_000;

export interface Pruned {
  commands: number;
  events: number;
  clientErrors: number;
}

/**
 * Deletes history older than the runtime settings allow (`retention.*`, changed in the panel):
 * finished commands with their output, system events, panel error reports. Active commands are
 * never deleted, however old.
 */
export async function pruneHistory(db: Database, now = new Date()): Promise<Pruned> {
  const stored = Object.fromEntries(
    (await db.settings.some(RUNTIME_SETTING_KEYS)).map((s) => [s.key, s.value]),
  );
  const settings = runtimeSettingsFrom(stored);
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    commands: await db.commands.pruneFinished(before(settings['retention.commandDays'])),
    events: await db.systemEvents.prune(before(settings['retention.eventDays'])),
    clientErrors: await db.clientErrors.prune(before(settings['retention.clientErrorDays'])),
  };
}
