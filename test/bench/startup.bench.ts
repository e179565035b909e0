// Start-up: spawn → /readyz answering 200, for the core on PGlite (fresh and existing data
// directory), against the reference of a bare `node -e` that opens an HTTP port.
// The Home Assistant watchdog and systemd both wait on this.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, freePort, REDFLAG_BIN } from '../helpers/cli.js';

async function timeUntilReady(
  args: string[],
  port: number,
  env: Record<string, string> = {},
): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { env: cleanEnv(env), stdio: 'ignore' });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run() {
  const runs = 5;
  const reference: number[] = [];
  const fresh: number[] = [];
  const existing: number[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'redflag-bench-'));
  const bare = "require('http').createServer((q,s)=>s.end('ok')).listen(+process.env.PORT,'127.0.0.1')";
  try {
    for (let i = 0; i < runs; i++) {
      const port = await freePort();
      reference.push(await timeUntilReady(['-e', bare], port, { PORT: String(port) }));
      const dataDir = join(dir, `d${i}`);
      fresh.push(
        await timeUntilReady(
          [REDFLAG_BIN, 'serve', '--data-dir', dataDir, '--http-port', String(port)],
          port,
        ),
      );
      existing.push(
        await timeUntilReady(
          [REDFLAG_BIN, 'serve', '--data-dir', dataDir, '--http-port', String(port)],
          port,
        ),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ref = median(reference);
  console.log(`reference (bare node HTTP server)   median ${ref.toFixed(0)} ms`);
  console.log(
    `core, new data dir (PGlite+migrate) median ${median(fresh).toFixed(0)} ms  ratio ${(median(fresh) / ref).toFixed(1)}x`,
  );
  console.log(
    `core, existing data dir (PGlite)    median ${median(existing).toFixed(0)} ms  ratio ${(median(existing) / ref).toFixed(1)}x`,
  );
}
