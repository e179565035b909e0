/** A `WWW-Authenticate` challenge: its scheme and parameters (RFC 7235 §4.1). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Reads `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="…"`.
 * Quoted values may hold commas (a scope naming two actions: `repository:x:pull,push`).
 */
export function parseChallenge(header: string | null): Challenge | null {
  if (!header) return null;
  const match = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(header);
  if (!match) return null;
  const params: Record<string, string> = {};
  const pair = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?\s*/gy;
  const rest = match[2]!;
  let found: RegExpExecArray | null;
  while (pair.lastIndex < rest.length && (found = pair.exec(rest)) !== null)
    params[found[1]!.toLowerCase()] = found[2] !== undefined ? found[2].replace(/\\(.)/g, '$1') : found[3]!;
  return { scheme: match[1]!.toLowerCase(), params };
}
