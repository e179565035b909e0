import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPackage {
  name: string;
  version: string;
  depends?: string;
  /** A maintainer script run when dpkg configures the package (`#!/bin/sh` is added). */
  postinst?: string;
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
 * A flat APT repository in a temporary directory, built the way a user would: `dpkg-deb`
 * packages, a `dpkg-scanpackages` index and a Release file, used through its own sources list,
 * package lists and cache so the machine's own APT state is never touched.
 */
export class LocalRepo {
  readonly root = mkdtempSync(join(tmpdir(), 'rf-apt-repo-'));
  readonly pool = join(this.root, 'repo');
  private readonly build = join(this.root, 'build');
  readonly sourcesList = join(this.root, 'sources.list');

  constructor(private readonly suite: string) {
    // apt fetches file: repositories as the _apt user: it must be able to read them.
    chmodSync(this.root, 0o755);
    for (const dir of [
      this.pool,
      this.build,
      join(this.root, 'lists/partial'),
      join(this.root, 'cache/archives/partial'),
    ])
      mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(this.sourcesList, `deb [trusted=yes] file:${this.pool} ./\n`);
  }

  /** `-o` options for the apt plugin's `aptOptions`: this repository and nothing else. */
  aptOptions(sourcesList = this.sourcesList): string[] {
    return [
      `Dir::Etc::SourceList=${sourcesList}`,
      'Dir::Etc::SourceParts=/dev/null',
      `Dir::State::Lists=${join(this.root, 'lists')}`,
      `Dir::Cache=${join(this.root, 'cache')}`,
    ];
  }

  /** Builds `<name>_<version>_all.deb` into the pool; returns its path. */
  addPackage(pkg: TestPackage): string {
    const dir = join(this.build, `${pkg.name}-${pkg.version}`);
    mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
    mkdirSync(join(dir, 'usr/share/doc', pkg.name), { recursive: true });
    writeFileSync(join(dir, 'usr/share/doc', pkg.name, 'VERSION'), `${pkg.name} ${pkg.version}\n`);
    const control = [
      `Package: ${pkg.name}`,
      `Version: ${pkg.version}`,
      'Architecture: all',
      'Maintainer: RedFlag tests <tests@redflag.invalid>',
      ...(pkg.depends ? [`Depends: ${pkg.depends}`] : []),
      'Description: RedFlag apt plugin test package',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'DEBIAN/control'), control);
    if (pkg.postinst)
      writeFileSync(join(dir, 'DEBIAN/postinst'), `#!/bin/sh\n${pkg.postinst}\n`, { mode: 0o755 });
    const deb = join(this.pool, `${pkg.name}_${pkg.version}_all.deb`);
    must('dpkg-deb', ['--build', '--root-owner-group', dir, deb]);
    return deb;
  }

  /** Indexes the pool: Packages from dpkg-scanpackages, a Release naming the suite. */
  index(): void {
    const packages = must('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], { cwd: this.pool });
    writeFileSync(join(this.pool, 'Packages'), packages);
    const digest = createHash('sha256').update(packages).digest('hex');
    const release = [
      'Origin: RedFlag-Test',
      'Label: RedFlag-Test',
      `Suite: ${this.suite}`,
      'Codename: rf-test',
      `Date: ${new Date().toUTCString()}`,
      'SHA256:',
      ` ${digest} ${Buffer.byteLength(packages)} Packages`,
      '',
    ].join('\n');
    writeFileSync(join(this.pool, 'Release'), release);
  }

  /** A sources list with this repository plus one that does not exist (apt-get update fails). */
  brokenSourcesList(): string {
    const path = join(this.root, 'broken.list');
    writeFileSync(
      path,
      `${readFileSync(this.sourcesList, 'utf8')}deb [trusted=yes] file:${join(this.root, 'missing')} ./\n`,
    );
    return path;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
