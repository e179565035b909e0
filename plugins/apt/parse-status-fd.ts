import type { InstallProgress } from '../sdk/index.js';

// apt's `-o APT::Status-Fd=N` lines: `kind:item:percent:message`. The item may itself contain
// colons (`libc6:amd64`), so the percent field is found by shape, not by position.
const STATUS = /^(dlstatus|pmstatus|pmerror|pmconffile|media-change):(.*?):(\d+(?:\.\d+)?):(.*)$/;

/** One status line as progress, or null for a line that is not one (never throws). */
export function parseStatusLine(line: string): InstallProgress | null {
  const match = STATUS.exec(line.trim());
  if (!match) return null;
  const [, kind = '', item = '', percentText = '', message = ''] = match;
  const percent = Math.min(100, Math.max(0, Number(percentText)));
  const progress: InstallProgress = { stage: 'install', percent, message: message.trim() };
  switch (kind) {
    case 'dlstatus':
      return { ...progress, stage: 'download' };
    case 'pmerror':
      return { ...progress, stage: 'error', package: item, message: `${item}: ${message.trim()}` };
    case 'pmconffile':
      return { ...progress, message: `config file ${item}: ${message.trim()}` };
    case 'media-change':
      return { ...progress, stage: 'output' };
    default:
      // `dpkg-exec` marks dpkg starting, not a package.
      return item && item !== 'dpkg-exec' ? { ...progress, package: item } : progress;
  }
}
