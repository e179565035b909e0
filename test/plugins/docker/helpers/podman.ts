import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A podman of the test's own: its own storage (vfs, in a temporary folder), its own
 * containers.conf (runc, no default ulimits: what this machine kind needs, see the README
 * beside this file) and its Docker-compatible API on a socket of its own.
 */
export class TestPodman {
  readonly dir = mkdtempSync(join(tmpdir(), 'rf-podman-'));
  readonly socketPath = join(this.dir, 'podman.sock');
  private service: ChildProcess | null = null;
  private readonly conf = join(this.dir, 'containers.conf');

  constructor() {
    writeFileSync(
      this.conf,
      // Networks in a folder of this podman's own: by default they are the machine's (/etc/containers).
      `[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\nevents_logger = "file"\n[network]\nnetwork_config_dir = "${join(this.dir, 'networks')}"\n`,
    );
  }

  private baseArgs(): string[] {
    return ['--root', join(this.dir, 'root'), '--runroot', join(this.dir, 'run'), '--storage-driver', 'vfs'];
  }

  private readonly registriesConf = join(this.dir, 'registries.conf');

  /** Registries this podman pulls from over plain HTTP (its API has no --tls-verify=false). */
  trustInsecure(hosts: string[]): void {
    const entries = hosts.map((h) => `[[registry]]\nlocation = "${h}"\ninsecure = true\n`);
    writeFileSync(this.registriesConf, entries.join('\n'));
  }

  /** The environment podman runs with here (compose programs pointed at its socket too). */
  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      CONTAINERS_CONF: this.conf,
      TMPDIR: this.dir,
      ...(existsSync(this.registriesConf) ? { CONTAINERS_REGISTRIES_CONF: this.registriesConf } : {}),
    };
  }

  /**
   * Runs podman to its end; throws with its stderr when it fails. Never spawnSync: a token
   * server in this process must go on answering while podman pushes.
   */
  async podman(args: string[]): Promise<string> {
    try {
      const { stdout } = await run('podman', [...this.baseArgs(), ...args], {
        env: this.env(),
        maxBuffer: 16 << 20,
      });
      return stdout.trim();
    } catch (error) {
      const failure = error as { code?: number; stderr?: string };
      throw new Error(`podman ${args.join(' ')} exited ${failure.code}: ${failure.stderr ?? String(error)}`, {
        cause: error,
      });
    }
  }

  /** Starts `podman system service` and waits until its socket answers. */
  async startService(): Promise<void> {
    this.service = spawn(
      'podman',
      [...this.baseArgs(), 'system', 'service', '--time=0', `unix://${this.socketPath}`],
      { env: this.env(), stdio: 'ignore' },
    );
    for (let i = 0; i < 200 && !existsSync(this.socketPath); i++) await sleep(50);
    if (!existsSync(this.socketPath)) throw new Error('podman system service did not create its socket');
  }

  /**
   * A tiny image from a folder with busybox and `files` (path → content), imported as `ref`;
   * the `files` make each version's layer, and so its digest, different.
   */
  async importImage(
    ref: string,
    files: Record<string, string>,
    options: { arch?: string; cmd?: string[] } = {},
  ): Promise<string> {
    const root = mkdtempSync(join(this.dir, 'rootfs-'));
    mkdirSync(join(root, 'bin'));
    copyFileSync('/usr/bin/busybox', join(root, 'bin', 'busybox'));
    for (const tool of ['sh', 'sleep', 'true', 'false', 'cat'])
      symlinkSync('busybox', join(root, 'bin', tool));
    for (const [path, content] of Object.entries(files)) writeFileSync(join(root, path), content);
    const tar = `${root}.tar`;
    const tarred = spawnSync('tar', ['-C', root, '-cf', tar, '.']);
    if (tarred.status !== 0) throw new Error(`tar failed: ${tarred.stderr}`);
    const change = ['--change', `CMD ${JSON.stringify(options.cmd ?? ['/bin/sleep', '3600'])}`];
    const id = await this.podman([
      'import',
      ...change,
      ...(options.arch ? ['--arch', options.arch] : []),
      tar,
      ref,
    ]);
    rmSync(root, { recursive: true, force: true });
    rmSync(tar, { force: true });
    return id.split('\n').pop()!.trim();
  }

  async push(ref: string, extra: string[] = []): Promise<void> {
    await this.podman(['push', '--tls-verify=false', ...extra, ref]);
  }

  async pull(ref: string, extra: string[] = []): Promise<void> {
    await this.podman(['pull', '--tls-verify=false', ...extra, ref]);
  }

  async stop(): Promise<void> {
    const service = this.service;
    if (service && service.exitCode === null) {
      const exited = new Promise((resolve) => service.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
    spawnSync('podman', [...this.baseArgs(), 'rm', '-af', '-t', '0'], { env: this.env() });
    // vfs layers may be read-only folders: reset before removing.
    spawnSync('chmod', ['-R', 'u+w', this.dir]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
