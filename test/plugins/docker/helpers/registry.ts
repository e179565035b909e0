import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './podman.js';

/** A free loopback port, found by binding port 0 and letting it go. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RegistryOptions {
  /** The `auth:` section of the registry's config, as YAML lines (indented two spaces). */
  auth?: string;
}

/**
 * Debian's docker-registry (CNCF distribution 2.8) on a loopback port of the test's own, with
 * its own storage and a config file written here; its access log counts requests.
 */
export class TestRegistry {
  readonly dir = mkdtempSync(join(tmpdir(), 'rf-registry-'));
  port = 0;
  private process: ChildProcess | null = null;
  /** Every request line the registry logged, `METHOD path`. */
  readonly requests: string[] = [];

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(options: RegistryOptions = {}): Promise<void> {
    this.port = await freePort();
    const config = join(this.dir, 'config.yml');
    writeFileSync(
      config,
      [
        'version: 0.1',
        'log:',
        '  level: info',
        '  formatter: json',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${join(this.dir, 'data')}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: 127.0.0.1:${this.port}`,
        ...(options.auth ? ['auth:', options.auth] : []),
        '',
      ].join('\n'),
    );
    const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        this.record(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    for (let i = 0; i < 200; i++) {
      try {
        const response = await fetch(`http://${this.host}/v2/`);
        if (response.status === 200 || response.status === 401) return;
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error('docker-registry did not start');
  }

  private record(line: string): void {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const method = entry['http.request.method'];
      const uri = entry['http.request.uri'];
      // One line per answered request: the one that carries the response status.
      if (typeof method === 'string' && typeof uri === 'string' && 'http.response.status' in entry)
        this.requests.push(`${method} ${uri}`);
    } catch {
      // not a JSON log line
    }
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
