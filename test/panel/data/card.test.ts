import assert from 'node:assert/strict';
import type { Agent, Command } from '../../../panel/src/data/api-types.js';
import { cardBaseUrl, hostsNeedingAttention, validateCardConfig } from '../../../panel/src/data/card.js';
import { fleetFromHass, hassFigures } from '../../../panel/src/data/card-hass.js';
import { coalesce } from '../../../panel/src/data/live-events.js';
import { agent as fleetAgent, hassStates, pkg, published, view } from '../ha-stand-in.js';

const agent = (hostname: string, extra: Partial<Agent> = {}): Agent => ({
  id: hostname,
  hostname,
  status: 'active',
  online: true,
  ...extra,
});

describe('panel data: the card', () => {
  it('accepts a good configuration and refuses bad ones with a reason', () => {
    assert.deepEqual(
      validateCardConfig({ type: 'custom:rf-card', url: 'https://rf.lan:8080', max_hosts: 3 }),
      {
        type: 'custom:rf-card',
        url: 'https://rf.lan:8080',
        max_hosts: 3,
      },
    );
    assert.throws(() => validateCardConfig(null), /must be an object/);
    assert.throws(() => validateCardConfig([]), /must be an object/);
    assert.throws(() => validateCardConfig({ url: 'rf.lan' }), /absolute http/);
    assert.throws(() => validateCardConfig({ url: 'ftp://rf.lan/' }), /http\(s\)/);
    assert.throws(() => validateCardConfig({ max_hosts: 0 }), /max_hosts/);
    assert.throws(() => validateCardConfig({ refresh_seconds: 1.5 }), /refresh_seconds/);
    assert.throws(() => validateCardConfig({ token: 42 }), /"token" must be text/);
    assert.throws(() => validateCardConfig({ colour: 'red' }), /unknown option "colour"/);
  });

  it('resolves API calls against the configured server or the page origin', () => {
    assert.equal(
      cardBaseUrl({ url: 'https://rf.lan:8080/redflag' }, 'http://ha.lan/'),
      'https://rf.lan:8080/redflag/',
    );
    assert.equal(cardBaseUrl({}, 'http://ha.lan:8123/lovelace/0'), 'http://ha.lan:8123/');
  });

  it('lists hosts needing attention worst first, never revoked or fine ones', () => {
    const failed = [{ id: 'c', agentId: 'flaky', type: 'scan', status: 'failed' } as Command];
    const list = hostsNeedingAttention(
      [
        agent('fine'),
        agent('flaky'),
        agent('down', { online: false }),
        agent('gone', { status: 'revoked', online: false }),
        agent('vuln', { pending: { critical: 2 }, rebootRequired: true }),
      ],
      failed,
    );
    assert.deepEqual(
      list.map((h) => [h.agent.hostname, h.reasons]),
      [
        ['down', ['offline']],
        ['vuln', ['security', 'reboot']],
        ['flaky', ['failed']],
      ],
    );
  });
});

describe('panel data: the card inside Home Assistant', () => {
  it('finds RedFlag’s hosts by their attributes, whatever else hass holds', () => {
    const web = fleetAgent('web-01');
    const off = fleetAgent('off-01', { online: false });
    const states = hassStates(
      published([
        view(web, [pkg(web, 'openssl', { security: true }), pkg(web, 'curl')]),
        view(off, [pkg(off, 'bash')]),
      ]),
      [
        {
          entity_id: 'update.zigbee_firmware',
          state: 'on',
          attributes: { installed_version: '1', latest_version: '2', supported_features: 1 },
        },
      ],
    );
    const fleet = fleetFromHass(states);
    assert.deepEqual(
      fleet.hosts.map((h) => [h.hostname, h.online, h.pending, h.security]),
      [
        // The host is offline: HA makes its other entities unavailable, without their attributes.
        ['off-01', false, null, null],
        ['web-01', true, 2, 1],
      ],
    );
    assert.deepEqual(
      fleet.attention.map((h) => h.hostname),
      ['web-01', 'off-01'],
    );
    assert.deepEqual(
      fleet.hosts[1]!.updates.map((u) => [u.entityId, u.pending, u.canInstall]),
      [['update.web_01_packages', true, true]],
    );
    assert.deepEqual(hassFigures(fleet), [
      ['1/2', 'hosts online'],
      ['2', 'updates pending'],
      ['1', 'security'],
      ['0', 'reboots needed'],
    ]);
  });
});

describe('panel data: live events', () => {
  it('coalesces a burst of events into one reload', () => {
    const queued: Array<() => void> = [];
    let reloads = 0;
    const poke = coalesce(
      () => reloads++,
      (fn) => queued.push(fn),
    );
    poke();
    poke();
    poke();
    assert.equal(queued.length, 1);
    queued.shift()!();
    assert.equal(reloads, 1);
    poke();
    assert.equal(queued.length, 1);
  });
});
