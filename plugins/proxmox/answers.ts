import { PveError } from './pve-errors.js';

/**
 * Reads the fields discovery uses out of PVE's answers, checking each one's type: an answer
 * with a field of the wrong type is an error for its endpoint naming the path and the field,
 * never a guest written with half its data.
 */
export class AnswerReader {
  constructor(
    private readonly endpoint: string,
    private readonly path: string,
  ) {}

  private fail(where: string, expected: string, value: unknown): never {
    const got = JSON.stringify(value) ?? String(value);
    throw new PveError(
      this.endpoint,
      this.path,
      'pve_malformed',
      `${where || 'the answer'} should be ${expected}, got ${got.length > 60 ? `${got.slice(0, 57)}...` : got}`,
    );
  }

  list(data: unknown): Array<Record<string, unknown>> {
    if (!Array.isArray(data)) this.fail('', 'a list', data);
    return data.map((item, i) => this.object(item, `[${i}]`));
  }

  object(data: unknown, where = ''): Record<string, unknown> {
    if (typeof data !== 'object' || data === null || Array.isArray(data)) this.fail(where, 'an object', data);
    return data as Record<string, unknown>;
  }

  string(item: Record<string, unknown>, key: string, where: string): string {
    const value = item[key];
    if (typeof value !== 'string') this.fail(`${where}.${key}`, 'a string', value);
    return value;
  }

  optionalString(item: Record<string, unknown>, key: string, where: string): string | null {
    return item[key] === undefined || item[key] === null ? null : this.string(item, key, where);
  }

  integer(item: Record<string, unknown>, key: string, where: string): number {
    const value = item[key];
    if (typeof value !== 'number' || !Number.isInteger(value))
      this.fail(`${where}.${key}`, 'an integer', value);
    return value;
  }

  /** PVE's booleans: 0/1 numbers, or JSON booleans; absent is false. */
  flag(item: Record<string, unknown>, key: string, where: string): boolean {
    const value = item[key];
    if (value === undefined || value === null) return false;
    if (value === 0 || value === 1 || typeof value === 'boolean') return Boolean(value);
    this.fail(`${where}.${key}`, 'a boolean (0 or 1)', value);
  }
}

/** `name=eth0,hwaddr=BC:24:…,ip=10.0.0.5/24` → `{name: 'eth0', hwaddr: …}` (PVE's property strings). */
export function propertyString(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/**
 * The MAC and static IPv4 address of a `net[n]` entry. LXC writes `hwaddr=`; QEMU writes the
 * model as the key (`virtio=BC:24:…`), or `macaddr=`.
 */
export function netEntry(text: string): { mac: string | null; ip: string | null } {
  const props = propertyString(text);
  const mac = Object.values(props).find((v) => MAC.test(v));
  const ip = props.ip && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(props.ip) ? props.ip.split('/')[0]! : null;
  return { mac: mac ? mac.toLowerCase() : null, ip };
}

/** `dns;prod` or `dns,prod` or `dns prod` → `['dns', 'prod']` (PVE's pve-tag-list). */
export function tagList(text: string | null): string[] {
  if (!text) return [];
  return [
    ...new Set(
      text
        .split(/[;,\s]+/)
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

/** A reported address worth matching on: not loopback, not link-local. */
export function usefulAddress(ip: string): boolean {
  return !/^(127\.|::1$|fe80:|169\.254\.)/i.test(ip);
}
