import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface ExportedApp {
  id: string;
  branch: string;
  /** Published in the remote's appstream data: what `remote-ls` and `list` show as the version. */
  version: string;
  /** `id/arch/branch` of its runtime. */
  runtime: string;
}

/**
 * A flatpak remote and a system installation in a temporary directory, built with flatpak's
 * own tools (`ostree init`, `flatpak build-export`, `flatpak build-update-repo`). flatpak is
 * pointed at them with FLATPAK_SYSTEM_DIR, FLATPAK_USER_DIR and FLATPAK_CONFIG_DIR: the
 * machine's installations are never touched. `activate()` sets those for this process, so the
 * plugin's own flatpak commands see them too; `remove()` restores the environment.
 */
export class FlatpakTestRemote {
  readonly dir = mkdtempSync(join(tmpdir(), 'rf-flatpak-'));
  readonly repo = join(this.dir, 'repo');
  private readonly build = join(this.dir, 'build');
  readonly env: Record<string, string> = {
    FLATPAK_SYSTEM_DIR: join(this.dir, 'system'),
    FLATPAK_USER_DIR: join(this.dir, 'user'),
    FLATPAK_CONFIG_DIR: join(this.dir, 'config'),
    XDG_CACHE_HOME: join(this.dir, 'cache'),
    XDG_DATA_HOME: join(this.dir, 'data'),
  };
  private saved: Record<string, string | undefined> = {};
  private exports = 0;

  constructor() {
    for (const dir of [this.build, ...Object.values(this.env)]) mkdirSync(dir, { recursive: true });
    this.run('ostree', ['init', '--mode=archive-z2', `--repo=${this.repo}`]);
  }

  activate(): void {
    for (const [key, value] of Object.entries(this.env)) {
      this.saved[key] = process.env[key];
      process.env[key] = value;
    }
  }

  /** A runtime with one file; exporting again makes a new commit (a rebuild, same version). */
  exportRuntime(id: string, branch: string): void {
    const dir = join(this.build, `runtime-${++this.exports}`);
    for (const sub of ['files/bin', 'usr/bin']) {
      mkdirSync(join(dir, sub), { recursive: true });
      writeFileSync(join(dir, sub, 'rf-build'), `${id} build ${this.exports}\n`);
    }
    writeFileSync(
      join(dir, 'metadata'),
      `[Runtime]\nname=${id}\nruntime=${id}/${this.arch()}/${branch}\nsdk=${id}/${this.arch()}/${branch}\n`,
    );
    this.run('flatpak', ['build-export', '--runtime', this.repo, dir, branch]);
  }

  /** An app with an appstream entry carrying its version, so the remote publishes one. */
  exportApp(app: ExportedApp): void {
    const dir = join(this.build, `app-${++this.exports}`);
    mkdirSync(join(dir, 'files/bin'), { recursive: true });
    mkdirSync(join(dir, 'files/share/app-info/xmls'), { recursive: true });
    mkdirSync(join(dir, 'export'), { recursive: true });
    writeFileSync(join(dir, 'files/bin/rf-test'), `#!/bin/sh\necho ${app.version}\n`, { mode: 0o755 });
    writeFileSync(
      join(dir, 'metadata'),
      `[Application]\nname=${app.id}\nruntime=${app.runtime}\ncommand=rf-test\n`,
    );
    const appstream = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<components version="0.8" origin="flatpak">',
      '  <component type="desktop">',
      `    <id>${app.id}</id>`,
      '    <name>RedFlag test app</name>',
      '    <summary>RedFlag flatpak plugin test app</summary>',
      `    <releases><release version="${app.version}" timestamp="1767225600"/></releases>`,
      '  </component>',
      '</components>',
      '',
    ].join('\n');
    writeFileSync(join(dir, `files/share/app-info/xmls/${app.id}.xml.gz`), gzipSync(appstream));
    this.run('flatpak', ['build-export', this.repo, dir, app.branch]);
  }

  /** Regenerates the summary and appstream branches, as a remote publishes a change. */
  publish(): void {
    this.run('flatpak', ['build-update-repo', this.repo]);
  }

  addRemote(name: string): void {
    this.flatpak(['remote-add', '--system', '--no-gpg-verify', name, `file://${this.repo}`]);
  }

  /** flatpak with this directory's installations (for setting up and checking, not the plugin). */
  flatpak(args: string[]): string {
    return this.run('flatpak', args);
  }

  /** `id/arch/branch` → `version commit` of what is installed, or null. */
  installed(ref: string): { version: string; commit: string } | null {
    for (const line of this.flatpak(['list', '--system', '--columns=ref,version,active']).split('\n')) {
      const [listed, version = '', commit = ''] = line.split('\t');
      if (listed === ref) return { version, commit };
    }
    return null;
  }

  arch(): string {
    return this.run('flatpak', ['--default-arch']).trim();
  }

  remove(): void {
    for (const [key, value] of Object.entries(this.saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(command: string, args: string[]): string {
    const result = spawnSync(command, args, {
      encoding: 'utf8',
      env: { ...process.env, ...this.env, LC_ALL: 'C', FLATPAK_FANCY_OUTPUT: '0' },
    });
    if (result.status !== 0)
      throw new Error(
        `${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}`,
      );
    return result.stdout;
  }
}
