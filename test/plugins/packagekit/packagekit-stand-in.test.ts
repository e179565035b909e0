import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { type HostedPackageManager, PluginHost, type ScanPackage } from '../../../plugins/sdk/index.js';
import { loadPackageKitFixture, PackageKitStandIn } from './helpers/packagekit-stand-in.js';
import { PrivateBus } from './helpers/private-bus.js';
import { value } from '../sdk/outcome.js';

/**
 * What the real packagekitd here cannot produce (packagekit-real.test.ts has the rest): updates
 * rated through the high 16 bits of `info`, security updates, and RequireRestart. A stand-in
 * daemon (helpers/packagekit-stand-in.ts) answers on a private dbus-daemon from
 * test/fixtures/packagekit/updates-rated.json; the plugin's client is the same, over the bus's
 * real socket.
 */
const rated = (p: ScanPackage) => [p.name, p.currentVersion, p.availableVersion, p.severity, p.security];

describe('packagekit plugin against a stand-in daemon (documented shapes)', () => {
  const bus = new PrivateBus();
  let standIn: PackageKitStandIn;
  const hosts: PluginHost[] = [];

  before(async function () {
    if (!existsSync('/usr/bin/dbus-daemon')) {
      if (process.env.CI === 'true') throw new Error('needs dbus-daemon (see .ci/run)');
      this.skip();
    }
    await bus.start();
    standIn = await PackageKitStandIn.start(bus.address, loadPackageKitFixture('updates-rated.json'));
  });
  after(async () => {
    for (const host of hosts.splice(0)) await host.stop();
    standIn?.stop();
    await bus.stop();
  });

  async function packagekit(config: Record<string, unknown> = {}): Promise<HostedPackageManager> {
    const host = new PluginHost({
      modules: [{ id: 'plugins/packagekit', load: () => import('../../../plugins/packagekit/index.js') }],
      accept: ['package-manager'],
      configs: { packagekit: { use: 'always', busAddress: bus.address, rebootRequiredFile: '', ...config } },
    });
    hosts.push(host);
    await host.start();
    return host.packageManager('packagekit')!;
  }

  for (const pluralSignals of [true, false])
    it(`scan over ${pluralSignals ? 'one Packages' : 'Package'} signal(s): the one PackageKit severity table`, async () => {
      standIn.calls.length = 0;
      const scan = value(await (await packagekit({ pluralSignals })).scan());
      assert.equal(
        standIn.calls.some((c) => c.includes('supports-plural-signals=true')),
        pluralSignals,
        'the hint is set only when asked for',
      );
      assert.equal(scan.complete, true);
      assert.deepEqual(scan.packages.map(rated), [
        // security, severity bits security → high; security is kept apart from the rating
        ['openssl', '3.0.14-1~deb12u2', '3.0.15-1~deb12u1', 'high', true],
        // security rated low in the high bits: low, still a security fix
        ['libxml2', '2.9.14+dfsg-1.3~deb12u1', '2.9.14+dfsg-1.3~deb12u2', 'low', true],
        // security, no severity bits (PackageKit < 1.2.4): the kind decides
        ['curl', '7.88.1-10+deb12u7', '7.88.1-10+deb12u8', 'high', true],
        ['linux-image-amd64', '6.1.115-1', '6.1.119-1', 'critical', false],
        // important, rated critical in the high bits: the rating wins
        ['tzdata', '2024a-0+deb12u1', '2024b-0+deb12u1', 'critical', false],
        ['base-files', '12.4+deb12u7', '12.4+deb12u8', 'low', false],
        ['nano', '7.2-1', '7.2-1+deb12u1', 'low', false],
        ['vim-tiny', '2:9.0.1378-2', '2:9.0.1378-2+deb12u1', 'unknown', false],
        ['rf-held', '1.0', '2.0', 'unknown', false],
      ]);
      const byName = new Map(scan.packages.map((p) => [p.name, p]));
      assert.equal(byName.get('openssl')?.source, 'debian-security-bookworm-security-main');
      assert.equal(byName.get('rf-held')?.metadata.blocked, true);
      assert.equal(byName.has('libnew1'), false, 'a dependency to install is not an update');
    });

  it('install: RequireRestart (system) makes a reboot required, also when asked later', async () => {
    const pm = await packagekit();
    const result = value(await pm.install({ packages: [{ name: 'linux-image-amd64' }] }, () => {}));
    assert.deepEqual(result.rebootRequired.required, true);
    assert.deepEqual(result.rebootRequired.packages, ['linux-image-amd64']);
    assert.ok(standIn.calls.includes('UpdatePackages(simulate)') && standIn.calls.includes('UpdatePackages'));
    assert.deepEqual(value(await pm.rebootRequired()).packages, ['linux-image-amd64']);
  });
});
