import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../helpers/cli.js';

/** How a stand-in container behaves when the install runs in it. */
export type ContainerKind = 'good' | 'offline' | 'bare' | 'no-nodejs';

export interface TestSshd {
  port: number;
  user: string;
  /** `ssh-ed25519 AAAA…` of its host key, to pin. */
  hostKey: string;
  /** The client key its authorized_keys accepts (OpenSSH format). */
  privateKey: string;
  /** Each `pct` call's arguments, one line each. */
  pctCalls(): string[];
  /** A file inside a container's scratch root, or null. */
  read(vmid: number, path: string): string | null;
  addContainer(vmid: number, kind: ContainerKind): void;
  close(): Promise<void>;
}

const SH = '#!/bin/sh\n';

/** The install.sh a good container's curl "downloads": records how it was called, writes the agent's config. */
const FAKE_INSTALL = `mkdir -p /etc/redflag
echo "$@" > /etc/redflag/installed-with
echo '{}' > /etc/redflag/agent.json
echo 'redflag-install: agent registered'`;

const FAKE_INSTALL_NEEDS_NODE = `command -v node >/dev/null 2>&1 || apt-get install -y nodejs || { echo "redflag-install: error: could not install Node.js" >&2; exit 1; }`;

function script(path: string, body: string) {
  writeFileSync(path, `${SH}${body}\n`);
  chmodSync(path, 0o755);
}

/**
 * A scratch root for one "container": busybox (static) as /bin/sh and a few applets, and fake
 * curl, node and apt-get as the kind asks. The fake `pct exec` chroots into it.
 */
function makeContainer(root: string, kind: ContainerKind) {
  for (const dir of ['bin', 'usr/bin', 'etc', 'tmp', 'dev']) mkdirSync(join(root, dir), { recursive: true });
  // A plain file serves the scripts' redirections as well as the device would, without mknod.
  writeFileSync(join(root, 'dev/null'), '', { mode: 0o666 });
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  for (const applet of ['sh', 'mkdir', 'cat', 'rm', 'ls']) symlinkSync('busybox', join(root, 'bin', applet));
  const curl = (served: string) =>
    script(join(root, 'usr/bin/curl'), `echo "$@" >> /curl.log\ncat <<'EOF'\n${served}\nEOF`);
  if (kind === 'good') {
    curl(FAKE_INSTALL);
    script(join(root, 'usr/bin/node'), 'echo v20.19.0');
  } else if (kind === 'offline') {
    script(
      join(root, 'usr/bin/curl'),
      `echo "curl: (7) Failed to connect to 10.0.0.5 port 8080 after 3 ms: Couldn't connect to server" >&2\nexit 7`,
    );
    script(join(root, 'usr/bin/node'), 'echo v20.19.0');
  } else if (kind === 'bare') {
    curl(FAKE_INSTALL);
  } else {
    curl(`${FAKE_INSTALL_NEEDS_NODE}\n${FAKE_INSTALL}`);
    script(join(root, 'usr/bin/apt-get'), 'echo "E: Unable to locate package nodejs" >&2\nexit 100');
  }
}

/** Waits until the port answers with an SSH banner. */
async function banner(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('data', (d) => {
        socket.destroy();
        resolve(d.toString().startsWith('SSH-2.0'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd on port ${port} did not answer`);
}

/**
 * Debian's sshd of the test's own, on a loopback port with its own host key and authorized
 * key, whose sessions find a fake `pct` first on PATH: it records its arguments and runs
 * `pct exec <vmid> -- …` chrooted into that container's scratch root (pct cannot run here).
 */
export async function startTestSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'rf-sshd-'));
  const keygen = (file: string) =>
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test', '-f', join(dir, file)]);
  keygen('host_ed25519');
  keygen('client');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client.pub')));
  chmodSync(join(dir, 'authorized_keys'), 0o600);
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'ct'));
  script(
    join(dir, 'bin/pct'),
    `echo "$*" >> ${dir}/pct.log
[ "$1" = exec ] || { echo "pct: only exec here" >&2; exit 2; }
vmid=$2; shift 2; [ "$1" = -- ] && shift
[ -d ${dir}/ct/$vmid ] || { echo "Configuration file 'nodes/pve1/lxc/$vmid.conf' does not exist" >&2; exit 2; }
exec chroot ${dir}/ct/$vmid "$@"`,
  );
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_ed25519')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      `SetEnv PATH=${join(dir, 'bin')}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`,
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation directory
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: 'ignore' });
  await banner(port);
  const [type, key] = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').split(' ');
  return {
    port,
    user: userInfo().username,
    hostKey: `${type} ${key}`,
    privateKey: readFileSync(join(dir, 'client'), 'utf8'),
    pctCalls() {
      try {
        return readFileSync(join(dir, 'pct.log'), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    read(vmid, path) {
      try {
        return readFileSync(join(dir, 'ct', String(vmid), path), 'utf8');
      } catch {
        return null;
      }
    },
    addContainer(vmid, kind) {
      makeContainer(join(dir, 'ct', String(vmid)), kind);
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
