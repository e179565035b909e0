import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPackage {
  name: string;
  /** `pkgver-pkgrel`, e.g. `1.1-1`. */
  version: string;
  depends?: string;
}

/** Runs a command (argv) and throws with its output when it fails. */
export function must(command: string, args: string[], options: { cwd?: string } = {}): string {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
    ...options,
  });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`,
    );
  return result.stdout;
}

/**
 * A pacman installation and a sync repository in a temporary directory, built the way Arch's
 * tools would: packages are tar.zst archives with a `.PKGINFO` (what makepkg writes; makepkg
 * itself refuses to run as root), indexed with `repo-add`. pacman only ever runs with this
 * directory's `--root`, `--dbpath`, `--config` and `--cachedir`: the machine is never touched.
 */
export class PacmanTestRoot {
  readonly dir = mkdtempSync(join(tmpdir(), 'rf-pacman-'));
  readonly repo = join(this.dir, 'repo');
  readonly root = join(this.dir, 'root');
  readonly dbPath = join(this.root, 'var/lib/pacman');
  readonly cacheDir = join(this.dir, 'cache');
  readonly config = join(this.dir, 'pacman.conf');
  private readonly build = join(this.dir, 'build');
  private publishedAt = Math.floor(Date.now() / 1000);

  constructor() {
    for (const dir of [this.repo, this.dbPath, this.cacheDir, this.build, join(this.root, 'var/log')])
      mkdirSync(dir, { recursive: true });
    this.writeConfig();
  }

  /** The plugin config that points pacman at this installation. */
  pluginConfig(): Record<string, string> {
    return { root: this.root, dbPath: this.dbPath, config: this.config, cacheDir: this.cacheDir };
  }

  /** pacman.conf with the local `[rftest]` repository, unsigned; `ignore` becomes IgnorePkg. */
  writeConfig(ignore: string[] = []): void {
    const lines = [
      '[options]',
      'Architecture = auto',
      'SigLevel = Never',
      'LocalFileSigLevel = Never',
      ...(ignore.length ? [`IgnorePkg = ${ignore.join(' ')}`] : []),
      '',
      '[rftest]',
      'SigLevel = Never',
      `Server = file://${this.repo}`,
      '',
    ];
    writeFileSync(this.config, lines.join('\n'));
  }

  /** Builds `<name>-<version>-any.pkg.tar.zst`; returns its path. */
  buildPackage(pkg: TestPackage): string {
    const dir = join(this.build, `${pkg.name}-${pkg.version}`);
    mkdirSync(join(dir, 'usr/share/doc', pkg.name), { recursive: true });
    writeFileSync(join(dir, 'usr/share/doc', pkg.name, 'VERSION'), `${pkg.name} ${pkg.version}\n`);
    const info = [
      `pkgname = ${pkg.name}`,
      `pkgbase = ${pkg.name}`,
      `pkgver = ${pkg.version}`,
      'pkgdesc = RedFlag pacman plugin test package',
      'url = https://redflag.invalid',
      `builddate = ${Math.floor(Date.now() / 1000)}`,
      'packager = RedFlag tests <tests@redflag.invalid>',
      'size = 16',
      'arch = any',
      'license = MIT',
      ...(pkg.depends ? [`depend = ${pkg.depends}`] : []),
      '',
    ];
    writeFileSync(join(dir, '.PKGINFO'), info.join('\n'));
    const file = join(this.repo, `${pkg.name}-${pkg.version}-any.pkg.tar.zst`);
    must('bsdtar', ['--zstd', '-cf', file, '.PKGINFO', 'usr'], { cwd: dir });
    return file;
  }

  /** Builds the package and adds it to the repository (replacing an older version of it). */
  publish(pkg: TestPackage): string {
    const file = this.buildPackage(pkg);
    const db = join(this.repo, 'rftest.db.tar.gz');
    must('repo-add', ['-q', db, file]);
    // pacman -Sy skips a database whose modification time (whole seconds) has not changed; the
    // tests publish several times a second, so each publication moves it 10 s further on.
    this.publishedAt += 10;
    utimesSync(db, this.publishedAt, this.publishedAt);
    return file;
  }

  /** pacman with this installation's paths, for setting up and checking (not the plugin). */
  pacman(args: string[]): string {
    return must('pacman', [...args, ...this.locationArgs()]);
  }

  /** The installed version in this root, or null. */
  installed(name: string): string | null {
    const result = spawnSync('pacman', ['-Q', ...this.locationArgs(), '--', name], { encoding: 'utf8' });
    return result.status === 0 ? (result.stdout.trim().split(' ')[1] ?? null) : null;
  }

  lockFile(): string {
    return join(this.dbPath, 'db.lck');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private locationArgs(): string[] {
    return [
      '--root',
      this.root,
      '--dbpath',
      this.dbPath,
      '--config',
      this.config,
      '--cachedir',
      this.cacheDir,
    ];
  }
}
