import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type BusConnection, openBus } from '../../../../plugins/packagekit/dbus-connection.js';
import { PrivateBus } from './private-bus.js';

export const PACKAGEKITD = '/usr/libexec/packagekitd';
export const POLKITD = '/usr/lib/polkit-1/polkitd';

/**
 * The real thing: Debian's packagekitd with its apt backend and polkitd, on a private bus.
 * polkitd authorises root for every action (polkit's rule for uid 0), which is what an agent
 * running as root gets on a real host. `APT_CONFIG` points the apt backend at the test's own
 * sources list, lists and cache (`--keep-environment` keeps it).
 */
export class PackageKitDaemon {
  readonly bus = new PrivateBus();
  packagekitd?: ChildProcess;

  static missing(): string[] {
    return [
      ['dbus-daemon', '/usr/bin/dbus-daemon'],
      ['packagekit', PACKAGEKITD],
      ['polkitd', POLKITD],
    ]
      .filter(([, path]) => !existsSync(path!))
      .map(([pkg]) => pkg!);
  }

  async start(aptConfig: string): Promise<void> {
    await this.bus.start();
    this.bus.spawnService('polkitd', POLKITD, ['--no-debug']);
    this.packagekitd = this.bus.spawnService(
      'packagekitd',
      PACKAGEKITD,
      ['--backend=apt', '--disable-timer', '--keep-environment', '--verbose'],
      { APT_CONFIG: aptConfig },
    );
    await this.waitForName('org.freedesktop.PolicyKit1');
    await this.waitForName('org.freedesktop.PackageKit');
  }

  /** A client connection of the test's own, for checks from the outside. */
  connect(): BusConnection {
    return openBus(this.bus.address);
  }

  private async waitForName(name: string): Promise<void> {
    const bus = this.connect();
    try {
      for (let attempt = 0; attempt < 200; attempt++) {
        const [owned] = await bus.call(
          {
            destination: 'org.freedesktop.DBus',
            path: '/org/freedesktop/DBus',
            interface: 'org.freedesktop.DBus',
            member: 'NameHasOwner',
            signature: 's',
            body: [name],
          },
          { signal: new AbortController().signal, timeoutMs: 5_000 },
        );
        if (owned === true || owned === 1) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`${name} did not appear on the private bus`);
    } finally {
      bus.close();
    }
  }

  async stop(): Promise<void> {
    await this.bus.stop();
  }
}
