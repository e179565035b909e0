import type { FlatpakRef } from './refs.js';

/** `flatpak mask` output: one pattern per line, indented. */
export function parseMasks(lines: readonly string[]): string[] {
  return lines.map((l) => l.trim()).filter((l) => l !== '' && !/\s/.test(l));
}

/**
 * Does a mask pattern cover this ref? flatpak's patterns are partial refs
 * `[app/|runtime/]ID[/ARCH[/BRANCH]]`: a missing or empty part matches anything
 * (`org.gnome.Sdk//45`), and `*` matches any run of characters within a part (`org.gnome.*`).
 */
export function isMasked(patterns: readonly string[], ref: FlatpakRef): boolean {
  return patterns.some((pattern) => {
    const parts = pattern.split('/');
    const kind = parts[0] === 'app' || parts[0] === 'runtime' ? parts.shift() : undefined;
    if (kind !== undefined && ref.kind !== undefined && kind !== ref.kind) return false;
    const [id = '', arch = '', branch = ''] = parts;
    return globMatch(id, ref.id) && globMatch(arch, ref.arch) && globMatch(branch, ref.branch);
  });
}

function globMatch(pattern: string, value: string): boolean {
  if (pattern === '' || pattern === '*') return true;
  const expression = pattern.split('*').map(escapeRegExp).join('[^/]*');
  return new RegExp(`^${expression}$`).test(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
