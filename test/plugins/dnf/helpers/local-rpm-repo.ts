import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRpm {
  name: string;
  version: string;
  epoch?: number;
  requires?: string;
}

export interface TestAdvisory {
  id: string;
  type: 'security' | 'bugfix' | 'enhancement';
  /** Critical, Important, Moderate, Low; absent: no rating. */
  severity?: string;
  packages: TestRpm[];
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

// A spec with no sources and no files: rpmbuild makes a valid noarch package of it in ms.
const SPEC = `Name: %{pname}
%{?pepoch:Epoch: %{pepoch}}
Version: %{pversion}
Release: 1
Summary: RedFlag dnf plugin test package
License: MIT
BuildArch: noarch
%{?prequires:Requires: %{prequires}}
%description
A package for the RedFlag dnf plugin tests.
%files
`;

/**
 * An RPM repository and a system to update, both in a temporary directory: packages built with
 * rpmbuild, indexed with createrepo_c, advisories added with modifyrepo_c; the system is an
 * `--installroot` with its own rpm database, used through its own repository and plugin
 * configuration, so the machine's own state is never touched.
 */
export class LocalRpmRepo {
  readonly root = mkdtempSync(join(tmpdir(), 'rf-dnf-repo-'));
  readonly repo = join(this.root, 'repo');
  /** The system the plugin manages (`installRoot`). */
  readonly installRoot = join(this.root, 'system');
  readonly reposDir = join(this.root, 'repos.d');
  readonly pluginConfDir = join(this.root, 'plugins.d');
  readonly lockList = join(this.root, 'versionlock.list');
  private readonly build = join(this.root, 'build');
  private advisories: TestAdvisory[] = [];

  constructor() {
    for (const dir of [this.repo, this.installRoot, this.reposDir, this.pluginConfDir, this.build])
      mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(this.reposDir, 'rf-test.repo'),
      `[rf-test]\nname=RedFlag test repository\nbaseurl=file://${this.repo}\ngpgcheck=0\nenabled=1\n`,
    );
    // versionlock keeps its list where its config says, on the host even with --installroot:
    // point it into this directory. The local plugin would add a repository of its own.
    writeFileSync(
      join(this.pluginConfDir, 'versionlock.conf'),
      `[main]\nenabled=1\nlocklist=${this.lockList}\n`,
    );
    writeFileSync(join(this.pluginConfDir, 'local.conf'), '[main]\nenabled=0\n');
    writeFileSync(this.lockList, '');
  }

  /** Options for the plugin's `dnfOptions` (and for running dnf by hand against the same system). */
  dnfOptions(extra: string[] = []): string[] {
    return [
      `--setopt=reposdir=${this.reposDir}`,
      `--setopt=pluginconfpath=${this.pluginConfDir}`,
      '--releasever=rf',
      ...extra,
    ];
  }

  /** Runs dnf by hand against this system, as an administrator would. */
  dnf(args: string[]): string {
    return must('dnf', [`--installroot=${this.installRoot}`, ...this.dnfOptions(), ...args]);
  }

  /** Builds `<name>-<version>-1.noarch.rpm` into the repository; returns its path. */
  addPackage(pkg: TestRpm): string {
    must('rpmbuild', [
      '-bb',
      '--quiet',
      '--define',
      `_topdir ${this.build}`,
      '--define',
      `_rpmdir ${this.repo}`,
      '--define',
      '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm',
      '--define',
      `pname ${pkg.name}`,
      '--define',
      `pversion ${pkg.version}`,
      ...(pkg.epoch ? ['--define', `pepoch ${pkg.epoch}`] : []),
      ...(pkg.requires ? ['--define', `prequires ${pkg.requires}`] : []),
      this.specFile(),
    ]);
    return join(this.repo, `${pkg.name}-${pkg.version}-1.noarch.rpm`);
  }

  addAdvisory(advisory: TestAdvisory): void {
    this.advisories.push(advisory);
  }

  /** Indexes the repository and adds the advisories as its updateinfo. */
  index(): void {
    rmSync(join(this.repo, 'repodata'), { recursive: true, force: true });
    must('createrepo_c', ['-q', this.repo]);
    if (this.advisories.length === 0) return;
    const updateinfo = join(this.build, 'updateinfo.xml');
    writeFileSync(updateinfo, updateinfoXml(this.advisories));
    must('modifyrepo_c', ['--mdtype=updateinfo', updateinfo, join(this.repo, 'repodata')]);
  }

  /** Installs packages into the system with rpm itself, as if they had been there all along. */
  installWithRpm(paths: string[]): void {
    must('rpm', ['--root', this.installRoot, '-i', ...paths]);
  }

  /** The installed `[epoch:]version-release` of a package in the system, or null. */
  installedVersion(name: string): string | null {
    const result = spawnSync(
      'rpm',
      ['--root', this.installRoot, '-q', '--qf', '%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}', name],
      { encoding: 'utf8' },
    );
    return result.status === 0 ? result.stdout : null;
  }

  /** Makes needs-restarting in the system count these packages as needing a reboot. */
  rebootAfter(names: string[]): void {
    const dir = join(this.installRoot, 'etc/dnf/plugins/needs-restarting.d');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'rf-test.conf'), `${names.join('\n')}\n`);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private specFile(): string {
    const path = join(this.build, 'rf-test.spec');
    writeFileSync(path, SPEC);
    return path;
  }
}

function updateinfoXml(advisories: TestAdvisory[]): string {
  const entries = advisories.map((a) =>
    [
      `  <update from="tests@redflag.invalid" status="stable" type="${a.type}" version="2.0">`,
      `    <id>${a.id}</id>`,
      `    <title>${a.id}</title>`,
      ...(a.severity ? [`    <severity>${a.severity}</severity>`] : []),
      '    <issued date="2026-01-01 00:00:00"/>',
      '    <description>RedFlag test advisory</description>',
      '    <pkglist><collection short="rf"><name>rf</name>',
      ...a.packages.map(
        (p) =>
          `      <package name="${p.name}" version="${p.version}" release="1" epoch="${p.epoch ?? 0}" arch="noarch" src="${p.name}-${p.version}-1.src.rpm"><filename>${p.name}-${p.version}-1.noarch.rpm</filename></package>`,
      ),
      '    </collection></pkglist>',
      '  </update>',
    ].join('\n'),
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<updates>\n${entries.join('\n')}\n</updates>\n`;
}
