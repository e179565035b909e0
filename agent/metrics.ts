import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { freemem, loadavg, totalmem, uptime } from 'node:os';
import type { DiskUsage, MetricsMessage } from '../broker/protocol/index.js';
import { envelope } from './protocol/envelope.js';

// Filesystems that hold data; pseudo and network filesystems are left out.
const REAL_FILESYSTEMS = new Set([
  'ext2',
  'ext3',
  'ext4',
  'xfs',
  'btrfs',
  'zfs',
  'f2fs',
  'vfat',
  'exfat',
  'ntfs',
  'ntfs3',
  'jfs',
  'reiserfs',
  'bcachefs',
]);
const MAX_DISKS = 64;

/** A health sample (docs/protocol.md `metrics`): cheap reads of /proc and statfs, no processes. */
export async function collectMetrics(extraMounts: string[] = []): Promise<MetricsMessage> {
  const [one = 0, five = 0, fifteen = 0] = loadavg();
  const disks: DiskUsage[] = [];
  const seen = new Set<string>();
  for (const mount of [...realMounts(), ...extraMounts]) {
    if (disks.length >= MAX_DISKS || seen.has(mount)) continue;
    seen.add(mount);
    try {
      const s = await statfs(mount);
      disks.push({
        mount: mount.slice(0, 1024),
        totalBytes: s.blocks * s.bsize,
        freeBytes: s.bavail * s.bsize,
      });
    } catch {
      // gone or not readable by us: left out
    }
  }
  return {
    ...envelope(),
    uptimeSec: Math.max(0, uptime()),
    load: [one, five, fifteen].map((l) => Math.max(0, l)) as [number, number, number],
    memory: { totalBytes: totalmem(), availableBytes: availableMemory() },
    ...(disks.length ? { disks } : {}),
  };
}

/** MemAvailable counts reclaimable cache, which os.freemem() does not. */
function availableMemory(): number {
  try {
    const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return freemem();
}

function realMounts(): string[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return ['/'];
  }
  const mounts: string[] = [];
  const devices = new Set<string>();
  for (const line of text.split('\n')) {
    const [device, mount, type] = line.split(' ');
    if (!device || !mount || !type || !REAL_FILESYSTEMS.has(type) || devices.has(device)) continue;
    devices.add(device); // a bind mount of the same device adds nothing
    mounts.push(mount.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  }
  return mounts.length ? mounts : ['/'];
}
