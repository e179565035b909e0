import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cleanEnv } from '../../helpers/cli.js';

export interface ShellRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `curl -fsSL <server>/install.sh | sh -s -- --token T`, as a user pastes it, into a scratch
 * root: REDFLAG_ROOT prefixes every path, systemd is skipped, and this test's Node.js is the one
 * the script finds (so it installs no package).
 */
export function runInstallScript(
  serverUrl: string,
  args: string[],
  root: string,
  env: Record<string, string> = {},
): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'sh',
      ['-c', 'url=$1; shift; curl -fsSL "$url/install.sh" | sh -s -- "$@"', 'sh', serverUrl, ...args],
      {
        env: cleanEnv({
          REDFLAG_ROOT: root,
          REDFLAG_NO_SYSTEMD: '1',
          REDFLAG_NODE: process.execPath,
          ...env,
        }),
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * A man in the middle between install.sh and the core: forwards every request, and lets a test
 * rewrite the body of one path (a tampered bundle, a manifest with another key).
 */
export async function startTamperingProxy(
  target: string,
  rewrite: Record<string, (body: Buffer) => Buffer>,
): Promise<{ url: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const change = rewrite[new URL(req.url ?? '/', 'http://x').pathname];
          const body = change ? change(Buffer.concat(chunks)) : Buffer.concat(chunks);
          const headers = { ...up.headers, 'content-length': String(body.length) };
          res.writeHead(up.statusCode ?? 502, headers).end(body);
        });
      },
    );
    forwarded.on('error', () => res.writeHead(502).end());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
