import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessResult, ProcessRunner } from '../sdk/index.js';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  /** The node's host key, `ssh-ed25519 AAAA…`: pinned, nothing else is accepted. */
  hostKey: string;
}

/**
 * Runs one command on a node with OpenSSH's client: key-based only (BatchMode, no agent, no
 * password), the host key pinned through a known_hosts file of its own, the private key in a
 * file only this process can read, removed afterwards. `input` goes to the remote command's
 * stdin, so what it holds (a registration token) is in no process's arguments.
 */
export async function runOverSsh(
  run: ProcessRunner,
  target: SshTarget,
  privateKey: string,
  remoteCommand: string,
  options: { input: string; timeoutMs: number; signal?: AbortSignal },
): Promise<ProcessResult> {
  const dir = await mkdtemp(join(tmpdir(), 'redflag-proxmox-ssh-'));
  try {
    const keyFile = join(dir, 'id');
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(keyFile, privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, { mode: 0o600 });
    const hostPattern = target.port === 22 ? target.host : `[${target.host}]:${target.port}`;
    await writeFile(knownHosts, `${hostPattern} ${target.hostKey.trim()}\n`, { mode: 0o600 });
    return await run(
      'ssh',
      [
        '-F', '/dev/null',
        '-o', 'BatchMode=yes',
        '-o', 'StrictHostKeyChecking=yes',
        '-o', `UserKnownHostsFile=${knownHosts}`,
        '-o', 'GlobalKnownHostsFile=/dev/null',
        '-o', 'IdentitiesOnly=yes',
        '-o', `IdentityFile=${keyFile}`,
        '-o', 'IdentityAgent=none',
        '-o', 'ConnectTimeout=15',
        '-o', 'LogLevel=ERROR',
        '-p', String(target.port),
        '-l', target.user,
        target.host,
        '--',
        remoteCommand,
      ], // prettier-ignore
      {
        stdin: options.input,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        env: { SSH_AUTH_SOCK: undefined },
      },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Exit code 255 is ssh's own: it could not connect or authenticate (the host key, the user key). */
export const SSH_FAILED = 255;
