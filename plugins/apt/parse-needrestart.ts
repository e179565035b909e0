export interface NeedrestartStatus {
  runningKernel?: string;
  expectedKernel?: string;
  /** NEEDRESTART-KSTA: 0 unknown, 1 current, 2 ABI-compatible upgrade pending, 3 new version pending. */
  kernelStatus?: number;
  /** NEEDRESTART-UCSTA: 0 unknown, 1 current, 2 obsolete (newer microcode installed). */
  microcodeStatus?: number;
  /** Services running outdated binaries or libraries. */
  services: string[];
  warnings: string[];
}

/** Parses `needrestart -b` (batch mode, apt-dater protocol: `NEEDRESTART-KEY: value`). Never throws. */
export function parseNeedrestart(lines: readonly string[]): NeedrestartStatus {
  const status: NeedrestartStatus = { services: [], warnings: [] };
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    const match = /^NEEDRESTART-([A-Z]+): ?(.*)$/.exec(line);
    if (!match) {
      status.warnings.push(`unreadable needrestart line: ${JSON.stringify(line.slice(0, 200))}`);
      continue;
    }
    const [, key = '', value = ''] = match;
    switch (key) {
      case 'KCUR':
        status.runningKernel = value;
        break;
      case 'KEXP':
        status.expectedKernel = value;
        break;
      case 'KSTA':
        status.kernelStatus = readStatus(value, status);
        break;
      case 'UCSTA':
        status.microcodeStatus = readStatus(value, status);
        break;
      case 'SVC':
        status.services.push(value);
        break;
      default:
        break; // VER, CONT, SESS, UCCUR, UCEXP: not needed to decide on a reboot
    }
  }
  return status;
}

function readStatus(value: string, status: NeedrestartStatus): number | undefined {
  if (/^\d$/.test(value)) return Number(value);
  status.warnings.push(`needrestart status is not a digit: ${JSON.stringify(value.slice(0, 50))}`);
  return undefined;
}
