import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * A private D-Bus daemon with the system bus's type but a socket in a temporary directory, so
 * packagekitd and polkitd (which use `DBUS_SYSTEM_BUS_ADDRESS`) run against it and never touch
 * the machine's own bus. The policy lets anyone own names and call anything: it is a test bus.
 */
export class PrivateBus {
  /** Made by start(), so a test file that is loaded but not run leaves nothing behind. */
  dir = '';
  get socket(): string {
    return join(this.dir, 'system_bus_socket');
  }
  get address(): string {
    return `unix:path=${this.socket}`;
  }
  private daemon?: ChildProcess;
  private readonly children: ChildProcess[] = [];

  async start(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), 'rf-pk-bus-'));
    // polkitd drops to its own user before it connects: the socket's directory must be open to it.
    chmodSync(this.dir, 0o755);
    const config = join(this.dir, 'bus.conf');
    writeFileSync(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>${this.address}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
</busconfig>
`,
    );
    const daemon = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--print-address=1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.daemon = daemon;
    const [line] = (await Promise.race([
      once(createInterface({ input: daemon.stdout! }), 'line'),
      once(daemon, 'exit').then(([code]) => {
        throw new Error(`dbus-daemon exited with ${String(code)}`);
      }),
    ])) as [string];
    if (!line.startsWith(this.address)) throw new Error(`dbus-daemon printed ${line}`);
  }

  /** Starts a service on this bus; stopped with the bus. Its output goes to `<dir>/<name>.log`. */
  spawnService(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const log = join(this.dir, `${name}.log`);
    writeFileSync(log, '');
    const child = spawn('sh', ['-c', 'exec "$@" >>"$LOG" 2>&1', 'sh', command, ...args], {
      env: { ...process.env, ...env, LOG: log, DBUS_SYSTEM_BUS_ADDRESS: this.address },
      stdio: 'ignore',
    });
    this.children.push(child);
    return child;
  }

  async stop(): Promise<void> {
    for (const child of [...this.children.reverse(), ...(this.daemon ? [this.daemon] : [])]) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const exited = once(child, 'exit');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
