/**
 * Lines dnf prints around the data that are neither data nor a sign of trouble: metadata
 * checks and repository download progress (dnf4 on stdout, dnf5 on stdout before 5.2.6 and on
 * stderr since), yum's plugin banner.
 */
const CHATTER = [
  /^Last metadata expiration check: /,
  // dnf4: `Fedora 40 - x86_64 - Updates      283 kB/s | 1.5 kB     00:00`
  /^\S.*\s\d+(\.\d+)?\s+[kMGT]?B\/s \|\s+\d+(\.\d+)?\s+[kMGT]?B\s+\d\d:\d\d\s*$/,
  // dnf5: ` Fedora 41 - x86_64 - Updates   100% |  12.3 KiB/s |  11.9 KiB |  00m01s`
  /\s\d{1,3}% \|.*\|.*\|\s+-?\d+[hms]\d*[ms]?\d*s?\s*$/,
  /^Updating and loading repositories:$/,
  /^Repositories loaded\.$/,
  // yum 3 (EL7)
  /^Loaded plugins: /,
  /^Loading mirror speeds from cached hostfile$/,
  /^ \* [\w.-]+: \S+$/,
];

export const isChatter = (line: string): boolean => CHATTER.some((pattern) => pattern.test(line));

/** A line as text safe to log: control characters escaped, length bounded. */
export function quote(line: string): string {
  return JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line);
}
