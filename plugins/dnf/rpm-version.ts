/**
 * RPM version comparison (rpmvercmp, rpm 4.x) and the `[epoch:]version-release` strings dnf
 * prints. Needed to tell which installed copy of a package is the newest (kernels are
 * installed side by side) and which advisories an update covers.
 */
export interface Evr {
  epoch: number;
  version: string;
  release: string;
}

/** `1:2.0-1` → { epoch 1, version 2.0, release 1 }; `2.0` → release ''. */
export function parseEvr(text: string): Evr {
  const colon = text.indexOf(':');
  const epochText = colon === -1 ? '' : text.slice(0, colon);
  const rest = colon === -1 ? text : text.slice(colon + 1);
  const dash = rest.lastIndexOf('-');
  return {
    epoch: /^\d+$/.test(epochText) ? Number(epochText) : 0,
    version: dash === -1 ? rest : rest.slice(0, dash),
    release: dash === -1 ? '' : rest.slice(dash + 1),
  };
}

/** dnf's way of printing a version: the epoch only when it is not 0. */
export function formatEvr(epoch: number | string, version: string, release: string): string {
  const e = String(epoch);
  const prefix = e === '' || e === '0' ? '' : `${e}:`;
  return `${prefix}${version}${release ? `-${release}` : ''}`;
}

/** `0:1.0-1` and `1.0-1` are the same version: print it the one way dnf's tables do. */
export function normalizeEvr(text: string): string {
  const colon = text.indexOf(':');
  if (colon === -1) return text;
  const epoch = Number(text.slice(0, colon));
  return epoch === 0 ? text.slice(colon + 1) : `${epoch}:${text.slice(colon + 1)}`;
}

/** Compares two `[epoch:]version[-release]` strings: negative, 0 or positive. */
export function compareEvr(a: string, b: string): number {
  const x = parseEvr(a);
  const y = parseEvr(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  const byVersion = rpmvercmp(x.version, y.version);
  if (byVersion !== 0) return byVersion;
  // A version without a release matches any release (as dnf compares a pin like `name-1.0`).
  if (x.release === '' || y.release === '') return 0;
  return rpmvercmp(x.release, y.release);
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined) => c !== undefined && /^[A-Za-z]$/.test(c);
const isAlnum = (c: string | undefined) => isDigit(c) || isAlpha(c);

/**
 * rpm's segment comparison: digits against digits numerically, letters against letters
 * lexically, a numeric segment newer than an alphabetic one, `~` older than anything (even the
 * end), `^` newer than the end but older than anything else.
 */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    const numeric = isDigit(a[i]);
    const inSegment = numeric ? isDigit : isAlpha;
    const startA = i;
    const startB = j;
    while (i < a.length && inSegment(a[i])) i++;
    while (j < b.length && inSegment(b[j])) j++;
    const segA = a.slice(startA, i);
    const segB = b.slice(startB, j);
    // Different kinds of segment: the numeric one is newer.
    if (segB === '') return numeric ? 1 : -1;
    if (numeric) {
      const numA = segA.replace(/^0+/, '');
      const numB = segB.replace(/^0+/, '');
      if (numA.length !== numB.length) return numA.length > numB.length ? 1 : -1;
      if (numA !== numB) return numA > numB ? 1 : -1;
    } else if (segA !== segB) {
      return segA > segB ? 1 : -1;
    }
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}
