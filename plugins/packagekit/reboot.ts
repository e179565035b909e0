import { readFile } from 'node:fs/promises';
import type { RebootStatus } from '../sdk/index.js';

/**
 * PackageKit says a reboot is needed only once, in the RequireRestart signal of the install
 * that caused it, and has no call to ask later: the plugin remembers what it saw (for the
 * agent's lifetime) and also reads Debian's flag file, which the packages' own scripts write.
 */
export class RestartLog {
  private readonly packages = new Set<string>();

  constructor(private readonly flagFile: string) {}

  record(packages: string[]): void {
    for (const p of packages) this.packages.add(p);
  }

  async status(): Promise<RebootStatus> {
    const status: RebootStatus = { required: false, packages: [], reasons: [] };
    if (this.packages.size > 0) {
      status.required = true;
      status.packages.push(...this.packages);
      status.reasons.push(
        `PackageKit asked for a system restart after updating ${[...this.packages].join(', ')}`,
      );
    }
    if (this.flagFile) {
      const flag = await readOptional(this.flagFile);
      if (flag !== null) {
        status.required = true;
        status.reasons.push(`${this.flagFile} exists`);
        const listed = ((await readOptional(`${this.flagFile}.pkgs`)) ?? '').split('\n').map((l) => l.trim());
        for (const p of listed) if (p && !status.packages.includes(p)) status.packages.push(p);
      }
    }
    return status;
  }
}

async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}
