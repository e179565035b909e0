import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EventRecorder } from './events/index.js';
import type { Logger } from './log/index.js';

/**
 * The agent's entry: the compiled agent/cli.js beside a build's core (dist/core/ → dist/agent/,
 * which needs no sources), else bin/redflag-agent.js, which runs the sources through tsx.
 */
function agentBin(): string {
  for (const up of ['../agent/cli.js', '../bin/redflag-agent.js', '../../bin/redflag-agent.js']) {
    const path = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('neither agent/cli.js nor bin/redflag-agent.js found next to the RedFlag core');
}

export interface LocalAgentContext {
  dataDir: string;
  /** The core's HTTP URL on this host (loopback). */
  httpUrl: string;
  /** A one-seat registration token for the first start. */
  createToken(): Promise<string>;
  events: EventRecorder;
  logger: Logger;
}

export interface LocalAgent {
  stop(): Promise<void>;
}

const RESTART_DELAYS_MS = [1000, 5000, 30_000];

/**
 * `redflag serve --local-agent` (and `npm start`): an agent for this host, so a newcomer sees
 * its real pending updates at once. It is a real `redflag-agent` process with its identity and
 * state in `<dataDir>/local-agent`, enrolled with a one-seat token on first start, restarted
 * if it dies, stopped with the core.
 */
export async function startLocalAgent(ctx: LocalAgentContext): Promise<LocalAgent> {
  const log = ctx.logger.child({ component: 'local-agent' });
  const dir = join(ctx.dataDir, 'local-agent');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = ['--config', join(dir, 'agent.json'), '--state-dir', join(dir, 'state')];
  const bin = agentBin();

  const run = (args: string[]): ChildProcess => {
    const child = spawn(process.execPath, [bin, ...args, ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout!, child.stderr!])
      createInterface({ input: stream }).on('line', (line) => log.debug({ line }, 'agent output'));
    return child;
  };

  if (!existsSync(join(dir, 'agent.json'))) {
    const token = await ctx.createToken();
    const register = run(['register', '--server', ctx.httpUrl, '--token', token, '--json']);
    let output = '';
    register.stdout!.on('data', (d: Buffer) => (output += d));
    register.stderr!.on('data', (d: Buffer) => (output += d));
    const code = await new Promise<number | null>((resolve) => register.once('exit', resolve));
    if (code !== 0) {
      const message = `the local agent could not enrol (exit ${code}): ${output.trim().slice(0, 500)}`;
      log.warn(message);
      await ctx.events.record({
        type: 'local_agent',
        subtype: 'enrol_failed',
        severity: 'warning',
        component: 'core',
        message,
      });
      return { stop: async () => {} };
    }
    log.info('local agent enrolled');
  }

  let child: ChildProcess | null = null;
  let stopping = false;
  let restarts = 0;
  const launch = () => {
    child = run(['run']);
    const started = Date.now();
    child.once('exit', (code, signal) => {
      child = null;
      if (stopping) return;
      // A run that lasted a while resets the back-off: only a crash loop slows down.
      if (Date.now() - started > 60_000) restarts = 0;
      const delay = RESTART_DELAYS_MS[Math.min(restarts++, RESTART_DELAYS_MS.length - 1)]!;
      log.warn({ code, signal, delayMs: delay }, 'local agent exited; restarting');
      setTimeout(() => {
        if (!stopping) launch();
      }, delay).unref();
    });
  };
  launch();
  log.info('local agent running');

  return {
    async stop() {
      stopping = true;
      const running = child as ChildProcess | null;
      if (!running) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
