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
  /** Basic authentication: user `docker` with a password the registry makes up (basicPassword). */
  basic?: boolean;
}

/**
 * Debian's docker-registry (CNCF distribution 2.8) on a loopback port of the test's own, with
 * its own storage and a config file written here; its access log counts requests.
 */
export class TestRegistry {
  readonly dir = mkdtempSync(join(tmpdir(), 'rf-registry-'));
  port = 0;
  private process: ChildProcess | null = null;
  /** Every request the registry answered, `METHOD path status`. */
  readonly requests: string[] = [];
  /** The password distribution made up for user `docker` (`auth: htpasswd` without a file). */
  basicPassword = '';

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
        '  level: warn',
        '  formatter: json',
        'storage:',
        '  filesystem:',
        `    rootdirectory: ${join(this.dir, 'data')}`,
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: 127.0.0.1:${this.port}`,
        ...(options.auth ? ['auth:', options.auth] : []),
        ...(options.basic
          ? ['auth:', '  htpasswd:', '    realm: rf-test', `    path: ${join(this.dir, 'htpasswd')}`]
          : []),
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
        if (response.status === 200 || response.status === 401) {
          for (let j = 0; j < 100 && options.basic && !this.basicPassword; j++) await sleep(20);
          this.requests.length = 0;
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    throw new Error('docker-registry did not start');
  }

  private record(line: string): void {
    // The access log's combined line, one per request answered (401 challenges included).
    const access = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3}) /.exec(line);
    if (access) this.requests.push(`${access[1]} ${access[2]} ${access[3]}`);
    // With `auth: htpasswd` and no file, distribution provisions user "docker" and logs its password.
    const provisioned = /"password":"([^"]+)".*"user":"docker"/.exec(line);
    if (provisioned) this.basicPassword = provisioned[1]!;
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
