import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch as nodeArch, hostname, machine, networkInterfaces, platform, release } from 'node:os';
import type { HostOs } from '../../broker/protocol/index.js';
import { currentBootId } from '../files/lock.js';

/** Where the machine id is looked for when none was configured (systemd, then D-Bus). */
export const MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];

export interface HostInfo {
  hostname: string;
  os: HostOs;
  /** `uname -m` */
  arch: string;
  bootId: string | null;
}

/** What the agent tells the core about the host (registration and hello). */
export function hostInfo(): HostInfo {
  const osRelease = readOsRelease();
  const id = (osRelease.ID ?? platform()).toLowerCase().replace(/[^a-z0-9_.-]/g, '');
  return {
    hostname: hostname().slice(0, 253) || 'localhost',
    os: {
      id: /^[a-z0-9]/.test(id) ? id.slice(0, 64) : 'linux',
      name: (osRelease.PRETTY_NAME ?? osRelease.NAME ?? `${platform()} ${release()}`).slice(0, 256),
      version: (osRelease.VERSION_ID ?? '').slice(0, 128),
      kernel: release().slice(0, 256),
    },
    arch: safeMachine(),
    bootId: bootIdForHello(),
  };
}

/** SHA-256 (hex) of the machine id, as registration and hello carry it. */
export function machineIdHash(file: string): string {
  let id: string;
  try {
    id = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`cannot read the machine id from ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (!id) throw new Error(`the machine id file ${file} is empty`);
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

/** The first machine id file that exists here, or null. */
export function findMachineIdFile(): string | null {
  for (const file of MACHINE_ID_FILES) {
    try {
      if (readFileSync(file, 'utf8').trim()) return file;
    } catch {
      // try the next one
    }
  }
  return null;
}

/** Hardware addresses of the real interfaces, lowercase, sorted, without duplicates. */
export function macAddresses(): string[] {
  const found = new Set<string>();
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      if (!a.internal && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(a.mac) && a.mac !== '00:00:00:00:00:00')
        found.add(a.mac.toLowerCase());
    }
  }
  return [...found].sort().slice(0, 64);
}

function readOsRelease(): Record<string, string> {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(readFileSync(file, 'utf8'));
    } catch {
      // try the next one
    }
  }
  return {};
}

/** os-release(5): KEY=value lines, values optionally quoted. */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    let value = match[2]!;
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    out[match[1]!] = value;
  }
  return out;
}

function safeMachine(): string {
  try {
    return machine() || nodeArch();
  } catch {
    return nodeArch();
  }
}

function bootIdForHello(): string | null {
  const id = currentBootId();
  return id && /^[A-Za-z0-9-]{1,64}$/.test(id) ? id : null;
}
