import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, keyFingerprint } from '../../broker/protocol/index.js';

export interface ServerKey {
  keyId: string;
  publicKey: string;
  /** PKCS#8 PEM; never leaves this file, never logged. */
  privateKey: string;
  createdAt: string;
  /** Set when a newer key replaced this one: it still verifies until then. */
  retiresAt: string | null;
}

interface KeyFile {
  version: 1;
  keys: ServerKey[];
}

/**
 * The core's Ed25519 signing keys, in `<dataDir>/keys/server-keys.json` (mode 0600). The
 * newest key signs; older keys keep verifying until their overlap ends (`redflag keys rotate`).
 */
export class ServerKeyring {
  private keys: ServerKey[];

  private constructor(
    private readonly path: string,
    keys: ServerKey[],
  ) {
    this.keys = keys;
  }

  static keyFilePath(dataDir: string): string {
    return join(dataDir, 'keys', 'server-keys.json');
  }

  /** Loads the keyring, creating the first key on first start. */
  static open(dataDir: string): ServerKeyring {
    const path = ServerKeyring.keyFilePath(dataDir);
    if (!existsSync(path)) {
      const ring = new ServerKeyring(path, [newKey()]);
      ring.save();
      return ring;
    }
    return new ServerKeyring(path, readKeyFile(path));
  }

  /** The key that signs now. */
  active(): ServerKey {
    return this.keys[this.keys.length - 1]!;
  }

  /** keyId → public key of every key that still verifies at `now`. */
  verificationKeys(now = new Date()): Record<string, string> {
    return Object.fromEntries(
      this.keys
        .filter((k) => k.retiresAt === null || new Date(k.retiresAt) > now)
        .map((k) => [k.keyId, k.publicKey]),
    );
  }

  /** Signs with a key that still verifies (the agent bundle carries one signature per such key). */
  signWith<T>(keyId: string, sign: (privateKeyPem: string) => T, now = new Date()): T {
    const key = this.keys.find((k) => k.keyId === keyId);
    if (!key || !(keyId in this.verificationKeys(now)))
      throw new Error(`no server key ${keyId} that still verifies`);
    return sign(key.privateKey);
  }

  /** Public view for listings: no private keys. */
  describe(now = new Date()): Array<Omit<ServerKey, 'privateKey'> & { active: boolean; verifies: boolean }> {
    const verifying = this.verificationKeys(now);
    return this.keys.map(({ privateKey: _private, ...k }) => ({
      ...k,
      active: k.keyId === this.active().keyId,
      verifies: k.keyId in verifying,
    }));
  }

  /** A new signing key; the previous one verifies for `overlapHours` more, then retires. */
  rotate(overlapHours: number, now = new Date()): ServerKey {
    const previous = this.active();
    previous.retiresAt = new Date(now.getTime() + overlapHours * 3600_000).toISOString();
    const key = newKey(now);
    this.keys.push(key);
    this.save();
    return key;
  }

  private save(): void {
    mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.tmp`;
    // Written whole and renamed: a crash mid-write never leaves a truncated key file.
    writeFileSync(tmp, `${JSON.stringify({ version: 1, keys: this.keys } satisfies KeyFile, null, 2)}\n`, {
      mode: 0o600,
    });
    renameSync(tmp, this.path);
  }
}

function readKeyFile(path: string): ServerKey[] {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  if (parsed.version !== 1 || !Array.isArray(parsed.keys) || parsed.keys.length === 0)
    throw new Error(`${path}: not a RedFlag server key file (version ${String(parsed.version)})`);
  return parsed.keys;
}

function newKey(now = new Date()): ServerKey {
  const { publicKey, privateKey } = generateKeyPair();
  return {
    keyId: keyFingerprint(publicKey),
    publicKey,
    privateKey,
    createdAt: now.toISOString(),
    retiresAt: null,
  };
}
