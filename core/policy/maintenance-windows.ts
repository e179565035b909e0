import type { Database, MaintenanceWindow } from '../db/index.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Weekday (0 = Sunday) and minutes since midnight of `now` in a time zone. */
function localTime(now: Date, timeZone: string): { weekday: number; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    weekday: WEEKDAYS.indexOf(get('weekday')),
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Is `now` inside the window? A window whose end is before its start runs past midnight and
 * belongs to the weekday it starts on (Sat 23:00–02:00 covers Sunday 01:00).
 */
export function isInWindow(window: MaintenanceWindow, now: Date): boolean {
  const { weekday, minutes } = localTime(now, window.timezone);
  const start = toMinutes(window.startTime);
  const end = toMinutes(window.endTime);
  if (start <= end) return window.weekdays.includes(weekday) && minutes >= start && minutes < end;
  if (minutes >= start) return window.weekdays.includes(weekday);
  return minutes < end && window.weekdays.includes((weekday + 6) % 7);
}

/**
 * Installs may start for an agent when no window applies to it, or when one that applies is
 * open now. A window applies to agents with its label, or to all when it has none.
 */
export function mayInstallNow(
  windows: MaintenanceWindow[],
  agentLabels: string[],
  now = new Date(),
): boolean {
  const applicable = windows.filter(
    (w) => w.enabled && (w.agentLabel === null || agentLabels.includes(w.agentLabel)),
  );
  return applicable.length === 0 || applicable.some((w) => isInWindow(w, now));
}

/** A clear reason for a window definition that cannot work, or null. */
export function windowProblem(
  w: Pick<MaintenanceWindow, 'weekdays' | 'startTime' | 'endTime' | 'timezone'>,
): string | null {
  if (
    !Array.isArray(w.weekdays) ||
    w.weekdays.length === 0 ||
    w.weekdays.some((d) => !Number.isInteger(d) || d < 0 || d > 6)
  )
    return 'weekdays must be a non-empty list of 0 (Sunday) to 6 (Saturday)';
  for (const [field, value] of [
    ['startTime', w.startTime],
    ['endTime', w.endTime],
  ] as const)
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value))
      return `${field} must be HH:MM (00:00 to 23:59), got "${value}"`;
  if (w.startTime === w.endTime) return 'startTime and endTime must differ';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: w.timezone });
  } catch {
    return `timezone must be an IANA time zone such as Europe/Berlin, got "${w.timezone}"`;
  }
  return null;
}

/**
 * May installs start on this agent now (no window applies, or one is open)? Read from the
 * database at each call: the install workflow asks it before each install (issue 22 §3: it
 * needs the rule, not the policy service).
 */
export function installWindowCheck(db: Pick<Database, 'agents' | 'policies'>) {
  return async (agentId: string, now = new Date()): Promise<boolean> => {
    const agent = await db.agents.findById(agentId);
    return mayInstallNow(await db.policies.windows(), agent?.labels ?? [], now);
  };
}
