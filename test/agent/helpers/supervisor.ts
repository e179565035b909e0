import { type ChildProcess, spawn } from 'node:child_process';
import { cleanEnv } from '../../helpers/cli.js';

/**
 * What systemd does for the unit install.sh writes, for tests that cannot run systemd: runs the
 * launcher and starts it again when it exits with a status other than 0 (Restart=on-failure,
 * which covers RestartForceExitStatus=75), after a short RestartSec.
 */
export class Supervisor {
  readonly exits: Array<number | null> = [];
  private child: ChildProcess | null = null;
  private stopping = false;
  private out = '';

  constructor(
    private readonly command: string,
    private readonly args: string[],
    private readonly restartDelayMs = 200,
  ) {}

  get output(): string {
    return this.out;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    const child = spawn(this.command, this.args, { env: cleanEnv() });
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.out += d));
    child.stderr!.on('data', (d: Buffer) => (this.out += d));
    child.once('exit', (code) => {
      this.exits.push(code);
      if (this.child === child) this.child = null;
      if (!this.stopping && code !== 0) setTimeout(() => this.stopping || this.start(), this.restartDelayMs);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}
