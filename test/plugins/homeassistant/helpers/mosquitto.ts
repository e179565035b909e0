import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { freePort, tempDir } from '../../../helpers/cli.js';

const MOSQUITTO = '/usr/sbin/mosquitto';

/**
 * Home Assistant's broker, played by a real Mosquitto 2 (it speaks MQTT 5, as HA's Mosquitto
 * add-on does) on a port and config file of this test's own. Missing: with CI=true the test
 * fails (the package is in .ci/run's NEEDED list), otherwise it is skipped.
 */
export interface OwnMosquitto {
  url: string;
  port: number;
  /** Stops it (retained messages are lost: no persistence, like a broker that was replaced). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function requireMosquitto(ctx: Mocha.Context): void {
  if (existsSync(MOSQUITTO)) return;
  if (process.env.CI === 'true') throw new Error(`${MOSQUITTO} is missing: install the mosquitto package`);
  ctx.skip();
}

export async function startOwnMosquitto(
  opts: { users?: Record<string, string> } = {},
): Promise<OwnMosquitto> {
  const port = await freePort();
  const dir = tempDir('redflag-ha-mosquitto-');
  const conf = join(dir.path, 'mosquitto.conf');
  const lines = [`listener ${port} 127.0.0.1`, 'persistence false'];
  if (opts.users) {
    const passwords = join(dir.path, 'passwords');
    writeFileSync(passwords, '');
    for (const [user, password] of Object.entries(opts.users))
      execFileSync('mosquitto_passwd', ['-b', passwords, user, password]);
    // Run as root, mosquitto drops to its own user: it must be able to read the file.
    chmodSync(dir.path, 0o755);
    chmodSync(passwords, 0o644);
    lines.push('allow_anonymous false', `password_file ${passwords}`);
  } else lines.push('allow_anonymous true');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  let child: ChildProcess | null = null;

  async function start() {
    child = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
    const spawned = child;
    const failed = new Promise<never>((_, reject) => {
      spawned.once('error', reject);
      spawned.once('exit', (code) => reject(new Error(`mosquitto exited with ${code}`)));
    });
    await Promise.race([listening(port), failed]);
  }

  async function stop() {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGTERM');
    await exited;
  }

  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async close() {
      await stop();
      dir.remove();
    },
  };
}

/** Resolves once the port accepts a connection. */
async function listening(port: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (attempt > 200) throw new Error(`mosquitto did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
