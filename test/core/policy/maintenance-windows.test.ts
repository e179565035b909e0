import assert from 'node:assert/strict';
import type { MaintenanceWindow } from '../../../core/db/index.js';
import {
  configFor,
  intervalProblem,
  isInWindow,
  mayInstallNow,
  windowProblem,
} from '../../../core/policy/index.js';

const window = (w: Partial<MaintenanceWindow>): MaintenanceWindow => ({
  id: 'w',
  name: 'nightly',
  weekdays: [0, 1, 2, 3, 4, 5, 6],
  startTime: '02:00',
  endTime: '04:00',
  timezone: 'UTC',
  agentLabel: null,
  enabled: true,
  ...w,
});

describe('maintenance windows', () => {
  it("opens and closes at the given times, in the window's own time zone", () => {
    const w = window({ timezone: 'Europe/Berlin' }); // 02:00–04:00 Berlin = 01:00–03:00 UTC in winter
    assert.equal(isInWindow(w, new Date('2026-11-23T00:59:00Z')), false);
    assert.equal(isInWindow(w, new Date('2026-11-23T01:00:00Z')), true);
    assert.equal(isInWindow(w, new Date('2026-11-23T02:59:00Z')), true);
    assert.equal(isInWindow(w, new Date('2026-11-23T03:00:00Z')), false);
  });

  it('runs past midnight and belongs to the day it starts on', () => {
    const saturdayNight = window({ weekdays: [6], startTime: '23:00', endTime: '02:00' });
    assert.equal(isInWindow(saturdayNight, new Date('2026-11-28T23:30:00Z')), true); // Saturday
    assert.equal(isInWindow(saturdayNight, new Date('2026-11-29T01:30:00Z')), true); // Sunday morning
    assert.equal(isInWindow(saturdayNight, new Date('2026-11-30T01:30:00Z')), false); // Monday morning
    assert.equal(isInWindow(saturdayNight, new Date('2026-11-28T22:59:00Z')), false);
  });

  it('applies only to agents with its label, and allows installs when none applies', () => {
    const never = window({ startTime: '00:00', endTime: '00:01', weekdays: [0], agentLabel: 'prod' });
    const monday = new Date('2026-11-23T12:00:00Z');
    assert.equal(mayInstallNow([never], ['prod'], monday), false);
    assert.equal(mayInstallNow([never], ['lab'], monday), true);
    assert.equal(mayInstallNow([], ['prod'], monday), true);
    assert.equal(
      mayInstallNow(
        [never, window({ agentLabel: 'prod', startTime: '11:00', endTime: '13:00' })],
        ['prod'],
        monday,
      ),
      true,
    );
  });

  it('explains a definition that cannot work', () => {
    assert.equal(
      windowProblem(window({ weekdays: [7] })),
      'weekdays must be a non-empty list of 0 (Sunday) to 6 (Saturday)',
    );
    assert.equal(
      windowProblem(window({ startTime: '25:00' })),
      'startTime must be HH:MM (00:00 to 23:59), got "25:00"',
    );
    assert.equal(
      windowProblem(window({ timezone: 'Mars/Olympus' })),
      'timezone must be an IANA time zone such as Europe/Berlin, got "Mars/Olympus"',
    );
    assert.equal(windowProblem(window({})), null);
  });
});

describe('scan schedules', () => {
  it('refuses intervals outside 1 minute to 24 hours, giving the range', () => {
    assert.equal(
      intervalProblem(30),
      'intervalSeconds must be an integer from 60 (1 minute) to 86400 (24 hours), got 30',
    );
    assert.ok(intervalProblem(86401));
    assert.equal(intervalProblem(3600), null);
  });

  it('gives each agent the most specific schedule per plugin', () => {
    const agent = { id: 'a1', labels: ['proxmox'] };
    const schedules = [
      { id: '1', agentId: null, agentLabel: null, plugin: 'apt', intervalSeconds: 21600, enabled: true },
      { id: '2', agentId: null, agentLabel: 'proxmox', plugin: 'apt', intervalSeconds: 3600, enabled: true },
      { id: '3', agentId: 'a1', agentLabel: null, plugin: 'docker', intervalSeconds: 600, enabled: false },
      { id: '4', agentId: 'other', agentLabel: null, plugin: 'dnf', intervalSeconds: 600, enabled: true },
    ];
    const config = configFor(agent, schedules, 7);
    assert.equal(config.revision, 7);
    assert.deepEqual(config.schedules, {
      apt: { enabled: true, intervalSeconds: 3600 },
      docker: { enabled: false, intervalSeconds: 600 },
    });
  });
});
