import type { MaintenanceWindow, Policy, PolicyKind, ScanSchedule, Severity } from './api-types.js';

/** Form fields → API bodies for the settings collections; empty fields are left out. */
const text = (form: FormData, name: string): string | undefined => {
  const v = String(form.get(name) ?? '').trim();
  return v === '' ? undefined : v;
};

export function policyBody(form: FormData): Omit<Policy, 'id' | 'enabled' | 'createdAt' | 'createdBy'> {
  const kind = (text(form, 'kind') ?? 'hold') as PolicyKind;
  const severities = form.getAll('severities').map(String) as Severity[];
  const match: Policy['match'] = {
    ...(text(form, 'namePattern') ? { namePattern: text(form, 'namePattern') } : {}),
    ...(text(form, 'plugin') ? { plugin: text(form, 'plugin') } : {}),
    ...(text(form, 'label') ? { label: text(form, 'label') } : {}),
    ...(kind === 'auto_approve' && severities.length ? { severities } : {}),
    ...(kind === 'auto_approve' && form.get('securityOnly') ? { securityOnly: true } : {}),
  };
  return { kind, name: text(form, 'name') ?? '', match };
}

export function windowBody(form: FormData): Omit<MaintenanceWindow, 'id' | 'enabled'> {
  return {
    name: text(form, 'name') ?? '',
    weekdays: form.getAll('weekdays').map(Number),
    startTime: text(form, 'startTime') ?? '',
    endTime: text(form, 'endTime') ?? '',
    timezone: text(form, 'timezone') ?? 'UTC',
    agentLabel: text(form, 'agentLabel') ?? null,
  };
}

export function scheduleBody(form: FormData): Omit<ScanSchedule, 'id'> {
  const minutes = Number(text(form, 'intervalSeconds') ?? NaN);
  return {
    plugin: text(form, 'plugin') ?? '',
    // Typed in minutes; the API's range error (60–86400 seconds) lands next to the field.
    intervalSeconds: Number.isFinite(minutes) ? Math.round(minutes * 60) : 0,
    agentId: null,
    agentLabel: text(form, 'agentLabel') ?? null,
    enabled: true,
  };
}

export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function describeMatch(m: Policy['match']): string {
  const parts = [
    m.namePattern && `name ${m.namePattern}`,
    m.plugin && `manager ${m.plugin}`,
    m.label && `label ${m.label}`,
    m.severities?.length && `severity ${m.severities.join('/')}`,
    m.securityOnly && 'security only',
  ].filter(Boolean);
  return parts.join(', ') || 'everything';
}
