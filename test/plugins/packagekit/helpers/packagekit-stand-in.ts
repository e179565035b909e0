import dbus from '@homebridge/dbus-native';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bitfield, TRANSACTION_FLAG } from '../../../../plugins/packagekit/enums.js';

/**
 * A stand-in for packagekitd, for what the real one on this machine cannot show: Debian 12's
 * PackageKit 1.2.6 apt backend never reports a security update (it aborts on its own severity
 * assertion, see packagekit-real.test.ts) nor asks for a restart for test packages. It owns
 * org.freedesktop.PackageKit on the private bus and implements exactly the calls the plugin
 * makes, with the documented shapes (Transaction.xml): CreateTransaction → an object path;
 * SetHints; GetUpdates/Resolve/UpdatePackages → the fixture's packages as `Package(uss)`
 * signals, or one `Packages(a(uss))` when the client set `supports-plural-signals=true`, then
 * its other signals, then `Finished(uu)`.
 */
interface ScriptedTransaction {
  packages: [number, string, string][];
  signals?: { member: string; signature: string; body: unknown[] }[];
  exit: number;
}
type Fixture = Record<string, ScriptedTransaction | string>;

interface NativeBus {
  connection: { end(): void };
  requestName(name: string, flags: number, callback: (error: unknown, code: number) => void): void;
  setMethodCallHandler(
    path: string,
    iface: string,
    member: string,
    handler: [(...args: unknown[]) => unknown, string | null],
  ): void;
  sendSignal(path: string, iface: string, name: string, signature: string, body: unknown[]): void;
}

const PK = 'org.freedesktop.PackageKit';
const TX = 'org.freedesktop.PackageKit.Transaction';

export function loadPackageKitFixture(name: string): Fixture {
  const path = fileURLToPath(new URL(`../../../fixtures/packagekit/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as Fixture;
}

export class PackageKitStandIn {
  /** Every method call received, in order, as `Member(args)`. */
  readonly calls: string[] = [];
  private readonly bus: NativeBus;
  private next = 1;

  private constructor(
    address: string,
    private readonly fixture: Fixture,
  ) {
    this.bus = (dbus as unknown as { createClient(o: { busAddress: string }): NativeBus }).createClient({
      busAddress: address,
    });
  }

  static async start(address: string, fixture: Fixture): Promise<PackageKitStandIn> {
    const standIn = new PackageKitStandIn(address, fixture);
    standIn.bus.setMethodCallHandler('/org/freedesktop/PackageKit', PK, 'CreateTransaction', [
      () => standIn.createTransaction(),
      'o',
    ]);
    await new Promise<void>((resolve, reject) =>
      standIn.bus.requestName(PK, 4, (error, code) =>
        error || code !== 1 ? reject(new Error(`cannot own ${PK}: ${String(error ?? code)}`)) : resolve(),
      ),
    );
    return standIn;
  }

  private createTransaction(): string {
    const path = `/${this.next++}_standin`;
    let plural = false;
    this.bus.setMethodCallHandler(path, TX, 'SetHints', [
      (hints: unknown) => {
        plural = Array.isArray(hints) && hints.includes('supports-plural-signals=true');
        this.calls.push(`SetHints(${String(hints)})`);
      },
      null,
    ]);
    const method = (member: string, key: (...args: unknown[]) => string) =>
      this.bus.setMethodCallHandler(path, TX, member, [
        (...args: unknown[]) => {
          const name = key(...args);
          this.calls.push(name);
          // After the reply: a real daemon emits its signals once the method has returned.
          setImmediate(() => this.play(path, name, plural));
        },
        null,
      ]);
    method('GetUpdates', () => 'GetUpdates');
    method('Resolve', () => 'Resolve');
    method('UpdatePackages', (flags) =>
      Number(flags) & bitfield(TRANSACTION_FLAG.simulate) ? 'UpdatePackages(simulate)' : 'UpdatePackages',
    );
    this.bus.setMethodCallHandler(path, TX, 'Cancel', [() => this.calls.push('Cancel'), null]);
    return path;
  }

  private play(path: string, name: string, plural: boolean): void {
    const script = this.fixture[name];
    if (!script || typeof script === 'string') {
      this.bus.sendSignal(path, TX, 'ErrorCode', 'us', [3, `the stand-in has no fixture for ${name}`]);
      this.bus.sendSignal(path, TX, 'Finished', 'uu', [2, 0]);
      return;
    }
    if (plural) this.bus.sendSignal(path, TX, 'Packages', 'a(uss)', [script.packages]);
    else for (const p of script.packages) this.bus.sendSignal(path, TX, 'Package', 'uss', p);
    for (const s of script.signals ?? []) this.bus.sendSignal(path, TX, s.member, s.signature, s.body);
    this.bus.sendSignal(path, TX, 'Finished', 'uu', [script.exit, 5]);
  }

  stop(): void {
    this.bus.connection.end();
  }
}
