import type { IndexEntry } from './registry-client.js';

// The variant an engine means when it names none (containerd's platforms.Normalize).
const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7' };

/**
 * The index entry an engine on `platform` (`linux/amd64`, `linux/arm/v7`) would pull: same os
 * and architecture, the variant it names (or the architecture's default), never an
 * attestation manifest (`unknown/unknown`).
 */
export function entryForPlatform(entries: readonly IndexEntry[], platform: string): IndexEntry | undefined {
  const [os, architecture, variant] = platform.split('/');
  const candidates = entries.filter(
    (e) => e.platform?.os === os && e.platform?.architecture === architecture,
  );
  if (candidates.length <= 1) return candidates[0];
  const wanted = variant ?? DEFAULT_VARIANT[architecture ?? ''];
  return (
    candidates.find((e) => e.platform?.variant === wanted) ??
    candidates.find((e) => e.platform?.variant === undefined) ??
    candidates[0]
  );
}
