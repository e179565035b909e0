import type { MaintenanceWindow, Policy, ScanSchedule } from '../data/api-types.js';
import type { RfContext } from '../data/context.js';
import { describeMatch, policyBody, scheduleBody, WEEKDAYS, windowBody } from '../data/settings-forms.js';
import type { CollectionSpec } from './rf-collection-settings.js';

const KIND_TEXT: Record<Policy['kind'], string> = {
  hold: 'hold',
  ignore: 'ignore',
  auto_approve: 'auto-approve',
};
const SEVERITY_OPTIONS: Array<[string, string]> = ['critical', 'high', 'medium', 'low', 'unknown'].map(
  (s) => [s, s],
);

/** The settings collections the API offers (docs/api.md "Policies, maintenance windows and schedules"). */
export function settingsCollections(ctx: RfContext) {
  const operator = (c: RfContext) => c.session.can('operator');
  const policies: CollectionSpec<Policy> = {
    title: 'Policies',
    noun: 'rule',
    list: () => ctx.api.policies.list(),
    create: (form) => ctx.api.policies.create(policyBody(form)),
    change: (id, body) => ctx.api.policies.change(id, body),
    remove: (id) => ctx.api.policies.remove(id),
    name: (p) => p.name,
    columns: [
      ['Name', (p) => p.name],
      ['Kind', (p) => KIND_TEXT[p.kind]],
      ['Matches', (p) => describeMatch(p.match)],
    ],
    fields: [
      { name: 'name', label: 'Rule name', kind: 'text' },
      {
        name: 'kind',
        label: 'Kind',
        kind: 'select',
        options: [
          ['hold', 'hold (never install)'],
          ['ignore', 'ignore (hide)'],
          ...(ctx.session.can('admin')
            ? ([['auto_approve', 'auto-approve (admin)']] as Array<[string, string]>)
            : []),
        ],
      },
      { name: 'namePattern', label: 'Package name glob', kind: 'text', placeholder: 'linux-image-*' },
      { name: 'plugin', label: 'Package manager', kind: 'text', placeholder: 'apt' },
      { name: 'label', label: 'Host label', kind: 'text' },
      {
        name: 'severities',
        label: 'Severities (auto-approve)',
        kind: 'checkboxes',
        options: SEVERITY_OPTIONS,
      },
    ],
    canChange: operator,
  };
  const windows: CollectionSpec<MaintenanceWindow> = {
    title: 'Maintenance windows',
    noun: 'window',
    list: () => ctx.api.maintenanceWindows.list(),
    create: (form) => ctx.api.maintenanceWindows.create(windowBody(form)),
    change: (id, body) => ctx.api.maintenanceWindows.change(id, body),
    remove: (id) => ctx.api.maintenanceWindows.remove(id),
    name: (w) => w.name,
    columns: [
      ['Name', (w) => w.name],
      ['Days', (w) => w.weekdays.map((d) => WEEKDAYS[d]).join(' ')],
      ['Time', (w) => `${w.startTime}–${w.endTime} ${w.timezone}`],
      ['Hosts', (w) => (w.agentLabel ? `label ${w.agentLabel}` : 'all')],
    ],
    fields: [
      { name: 'name', label: 'Window name', kind: 'text' },
      {
        name: 'weekdays',
        label: 'Days',
        kind: 'checkboxes',
        options: WEEKDAYS.map((d, i) => [String(i), d]),
      },
      { name: 'startTime', label: 'Start (HH:MM)', kind: 'text', placeholder: '02:00' },
      { name: 'endTime', label: 'End (HH:MM)', kind: 'text', placeholder: '05:00' },
      { name: 'timezone', label: 'Time zone', kind: 'text', value: 'UTC' },
      { name: 'agentLabel', label: 'Only hosts labelled', kind: 'text' },
    ],
    canChange: operator,
  };
  const schedules: CollectionSpec<ScanSchedule> = {
    title: 'Scan schedules',
    noun: 'schedule',
    list: () => ctx.api.schedules.list(),
    create: (form) => ctx.api.schedules.create(scheduleBody(form)),
    change: (id, body) => ctx.api.schedules.change(id, body),
    remove: (id) => ctx.api.schedules.remove(id),
    name: (s) => `${s.plugin} ${s.agentLabel ?? s.agentId ?? 'fleet'}`,
    columns: [
      ['Package manager', (s) => s.plugin],
      ['Every', (s) => `${Math.round(s.intervalSeconds / 60)} min`],
      ['Hosts', (s) => (s.agentLabel ? `label ${s.agentLabel}` : s.agentId ? 'one host' : 'all')],
    ],
    fields: [
      { name: 'plugin', label: 'Scan package manager', kind: 'text', placeholder: 'apt' },
      { name: 'intervalSeconds', label: 'Every (minutes)', kind: 'number', value: '360' },
      { name: 'agentLabel', label: 'Only hosts labelled', kind: 'text' },
    ],
    canChange: operator,
  };
  return { policies, windows, schedules };
}
