import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { must } from '../../apt/helpers/local-repo.js';

export interface DebPackage {
  name: string;
  version: string;
  /** Extra control fields: `Depends: x`, `Conflicts: y`. */
  fields?: string[];
}

/**
 * A flat APT repository built as the apt plugin's tests build theirs (dpkg-deb,
 * dpkg-scanpackages), with any control fields (Conflicts, for a removal), and an `apt.conf`
 * for `APT_CONFIG` so packagekitd's apt backend reads only this repository.
 */
export class PackageKitRepo {
  readonly root = mkdtempSync(join(tmpdir(), 'rf-pk-repo-'));
  readonly pool = join(this.root, 'repo');
  readonly aptConfig = join(this.root, 'apt.conf');

  constructor() {
    chmodSync(this.root, 0o755); // apt reads file: repositories as the _apt user
    for (const dir of [
      this.pool,
      join(this.root, 'build'),
      join(this.root, 'lists/partial'),
      join(this.root, 'cache/archives/partial'),
    ])
      mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(join(this.root, 'sources.list'), `deb [trusted=yes] file:${this.pool} ./\n`);
    writeFileSync(
      this.aptConfig,
      [
        `Dir::Etc::SourceList "${join(this.root, 'sources.list')}";`,
        'Dir::Etc::SourceParts "/dev/null";',
        `Dir::State::Lists "${join(this.root, 'lists')}";`,
        `Dir::Cache "${join(this.root, 'cache')}";`,
        '',
      ].join('\n'),
    );
  }

  add(pkg: DebPackage): string {
    const dir = join(this.root, 'build', `${pkg.name}-${pkg.version}`);
    mkdirSync(join(dir, 'DEBIAN'), { recursive: true });
    const control = [
      `Package: ${pkg.name}`,
      `Version: ${pkg.version}`,
      'Architecture: all',
      'Maintainer: RedFlag tests <tests@redflag.invalid>',
      ...(pkg.fields ?? []),
      'Description: RedFlag PackageKit plugin test package',
      '',
    ];
    writeFileSync(join(dir, 'DEBIAN/control'), control.join('\n'));
    const deb = join(this.pool, `${pkg.name}_${pkg.version}_all.deb`);
    must('dpkg-deb', ['--build', '--root-owner-group', dir, deb]);
    return deb;
  }

  /** Packages and Release, then `apt-get update` into the repository's own lists. */
  index(release: { origin?: string; label?: string; suite?: string } = {}): void {
    writeFileSync(
      join(this.pool, 'Packages'),
      must('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], { cwd: this.pool }),
    );
    writeFileSync(
      join(this.pool, 'Release'),
      [
        `Origin: ${release.origin ?? 'RedFlag-Test'}`,
        `Label: ${release.label ?? 'RedFlag-Test'}`,
        `Suite: ${release.suite ?? 'rf-test'}`,
        'Codename: rf-test',
        `Date: ${new Date().toUTCString()}`,
        '',
      ].join('\n'),
    );
    // apt refuses a Release whose Origin or Label changed since the last update: start afresh.
    rmSync(join(this.root, 'lists'), { recursive: true, force: true });
    mkdirSync(join(this.root, 'lists/partial'), { recursive: true, mode: 0o755 });
    must('env', [`APT_CONFIG=${this.aptConfig}`, 'apt-get', 'update', '-qq']);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
