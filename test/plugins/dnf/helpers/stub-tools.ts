import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A stand-in for dnf5, dnf, yum, rpm or needs-restarting: records its arguments, answers from
// files named after itself and its subcommand (the first argument that is not an option).
// Shell builtins only, so it runs with a PATH that holds nothing but the stubs.
const STUB = `#!/bin/sh
dir=\${0%/*}
name=\${0##*/}
printf '%s\\n' "$name $*" >> "$dir/calls.log"
sub=none
for a in "$@"; do
  case "$a" in
    --version) sub=version; break ;;
    -*) ;;
    *) sub=$a; break ;;
  esac
done
case "$name" in rpm|needs-restarting) sub=run ;; esac
answer="$dir/answers/$name.$sub"
if [ -f "$answer.stdout" ]; then while IFS= read -r line || [ -n "$line" ]; do printf '%s\\n' "$line"; done < "$answer.stdout"; fi
if [ -f "$answer.stderr" ]; then while IFS= read -r line || [ -n "$line" ]; do printf '%s\\n' "$line" >&2; done < "$answer.stderr"; fi
code=0
if [ -f "$answer.exit" ]; then read -r code < "$answer.exit"; fi
exit "$code"
`;

export interface StubAnswer {
  stdout?: string[];
  stderr?: string[];
  exitCode?: number;
}

/**
 * A PATH of stub programs for the front ends this machine cannot run (dnf5, yum): the plugin
 * finds them as it would the real ones and runs them as real processes, which answer with
 * output shaped like the real tools' (from their sources and documentation).
 */
export class StubTools {
  readonly dir = mkdtempSync(join(tmpdir(), 'rf-dnf-stubs-'));
  private readonly savedPath = process.env.PATH;

  constructor(programs: readonly string[]) {
    mkdirSync(join(this.dir, 'answers'));
    writeFileSync(join(this.dir, 'calls.log'), '');
    for (const program of programs) {
      writeFileSync(join(this.dir, program), STUB);
      chmodSync(join(this.dir, program), 0o755);
    }
    process.env.PATH = this.dir;
  }

  /** What `program subcommand` answers (`dnf5 repoquery`, `dnf5 version` for --version, `rpm run`). */
  answer(program: string, sub: string, answer: StubAnswer): this {
    const base = join(this.dir, 'answers', `${program}.${sub}`);
    if (answer.stdout) writeFileSync(`${base}.stdout`, `${answer.stdout.join('\n')}\n`);
    if (answer.stderr) writeFileSync(`${base}.stderr`, `${answer.stderr.join('\n')}\n`);
    writeFileSync(`${base}.exit`, `${answer.exitCode ?? 0}\n`);
    return this;
  }

  /** Every command line the stubs ran, `program arg arg…`. */
  calls(): string[] {
    return readFileSync(join(this.dir, 'calls.log'), 'utf8').split('\n').filter(Boolean);
  }

  restore(): void {
    process.env.PATH = this.savedPath;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
