import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  createValidatorAjv,
  signAgentBundle,
  UPDATE_CONNECT_TIMEOUT_DEFAULT_SEC,
  type UpdateAgentParams,
  updateAgentParamsSchema,
} from '../../broker/protocol/index.js';
import type { Logger } from '../log/index.js';
import { AGENT_BUNDLE_BUILD_REVISION, buildAgentBundle, bundleVersionOf } from './agent-bundle-build.js';
import type { ServerKeyring } from './server-keys.js';

/** The bundle the core serves and updates agents with. */
export interface AgentBundle {
  version: string;
  sha256: string;
  size: number;
  code: Buffer;
  /** `built`: from the core's sources at start; `configured`: agentBundle.path. */
  source: 'built' | 'configured';
}

/** What install.sh and an update read: the bundle's hash, signed by every server key that verifies. */
export interface AgentBundleManifest {
  version: string;
  sha256: string;
  size: number;
  url: string;
  signatures: Array<{ keyId: string; publicKey: string; signature: string }>;
}

export const AGENT_BUNDLE_PATH = '/api/v1/agent-bundle/redflag-agent.mjs';

interface CacheRecord {
  revision: number;
  version: string;
  sha256: string;
  /** Input file → SHA-256 of its contents when the cached bundle was built. */
  inputs: Record<string, string>;
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * Builds (or loads) the agent bundle once per process, on first use (the first install.sh or
 * update), so a core that never installs an agent never runs esbuild and start-up is not
 * delayed. A built bundle is cached in `<dataDir>/agent-bundle` with the hashes of every input
 * file, and reused while none changed: a restart costs milliseconds of hashing, not a build.
 */
export class AgentBundleProvider {
  private loading: Promise<AgentBundle> | null = null;
  /** For agentBundle.path: the file's size and mtime when it was read (a replaced file is re-read). */
  private stamp: string | null = null;

  private constructor(
    private readonly load: () => Promise<AgentBundle>,
    private readonly configuredPath: string | null,
  ) {}

  static start(opts: {
    dataDir: string;
    configuredPath: string | null;
    version: string;
    logger: Logger;
  }): AgentBundleProvider {
    const log = opts.logger.child({ component: 'agent-bundle' });
    const configured = opts.configuredPath ? resolve(opts.configuredPath) : null;
    return new AgentBundleProvider(async () => {
      try {
        const bundle = configured
          ? await loadConfigured(configured)
          : await buildCached(join(opts.dataDir, 'agent-bundle'), opts.version, log);
        log.info(
          { version: bundle.version, sha256: bundle.sha256, size: bundle.size, source: bundle.source },
          'agent bundle ready',
        );
        return bundle;
      } catch (err) {
        log.error(
          { err },
          'the agent bundle could not be prepared: install.sh and update_agent are unavailable',
        );
        throw err;
      }
    }, configured);
  }

  /**
   * The bundle; a failed attempt is retried at the next call (the sources may have been fixed),
   * and a configured file that was replaced is read again (a new release dropped in place).
   */
  ready(): Promise<AgentBundle> {
    if (this.configuredPath) {
      const stamp = fileStamp(this.configuredPath);
      if (stamp !== this.stamp) {
        this.stamp = stamp;
        this.loading = null;
      }
    }
    this.loading ??= this.load().catch((err: unknown) => {
      this.loading = null;
      throw err;
    });
    return this.loading;
  }
}

function fileStamp(path: string): string | null {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return null;
  }
}

export function bundleManifest(
  bundle: AgentBundle,
  keys: ServerKeyring,
  now = new Date(),
): AgentBundleManifest {
  const verifying = keys.verificationKeys(now);
  const active = keys.active();
  return {
    version: bundle.version,
    sha256: bundle.sha256,
    size: bundle.size,
    url: AGENT_BUNDLE_PATH,
    // The active key first; older keys that still verify sign too, so a token made before a
    // rotation still finds the key it names (install.sh picks the signature by key id).
    signatures: [active.keyId, ...Object.keys(verifying).filter((id) => id !== active.keyId)].map(
      (keyId) => ({
        keyId,
        publicKey: verifying[keyId]!,
        signature: keys.signWith(keyId, (pem) => signAgentBundle(pem, bundle.version, bundle.sha256), now),
      }),
    ),
  };
}

const validateUpdateParams = createValidatorAjv().compile(updateAgentParamsSchema);

/**
 * The params of an `update_agent` command: always the core's own bundle, signed with the
 * active key (the key the command itself is signed with, so an agent that accepts the command
 * trusts it). Nothing else is sent, so no API caller can point agents at another file.
 */
export function agentUpdateParams(
  bundle: AgentBundle,
  keys: ServerKeyring,
  connectTimeoutSeconds = UPDATE_CONNECT_TIMEOUT_DEFAULT_SEC,
): UpdateAgentParams {
  const active = keys.active();
  const params: UpdateAgentParams = {
    version: bundle.version,
    url: AGENT_BUNDLE_PATH,
    sha256: bundle.sha256,
    size: bundle.size,
    signature: signAgentBundle(active.privateKey, bundle.version, bundle.sha256),
    keyId: active.keyId,
    connectTimeoutSeconds,
  };
  if (!validateUpdateParams(params))
    throw new Error(
      `update_agent params fail the protocol schema: ${JSON.stringify(validateUpdateParams.errors)}`,
    );
  return params;
}

async function loadConfigured(path: string): Promise<AgentBundle> {
  const code = await readFile(path);
  const version = bundleVersionOf(code);
  if (!version) throw new Error(`${path} is not a RedFlag agent bundle (npm run build:agent makes one)`);
  return { version, code, sha256: sha256(code), size: code.length, source: 'configured' };
}

async function buildCached(dir: string, version: string, log: Logger): Promise<AgentBundle> {
  const codePath = join(dir, 'redflag-agent.mjs');
  const recordPath = join(dir, 'redflag-agent.json');
  const cached = readCache(codePath, recordPath);
  if (cached && cached.record.version === version && cached.record.revision === AGENT_BUNDLE_BUILD_REVISION) {
    const unchanged = Object.entries(cached.record.inputs).every(([file, hash]) => {
      try {
        return sha256(readFileSync(file)) === hash;
      } catch {
        return false;
      }
    });
    if (unchanged && sha256(cached.code) === cached.record.sha256)
      return {
        version,
        code: cached.code,
        sha256: cached.record.sha256,
        size: cached.code.length,
        source: 'built',
      };
  }
  const started = Date.now();
  const built = await buildAgentBundle({ version });
  const record: CacheRecord = {
    revision: AGENT_BUNDLE_BUILD_REVISION,
    version,
    sha256: sha256(built.code),
    inputs: Object.fromEntries(built.inputs.map((file) => [file, sha256(readFileSync(file))])),
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The code first, then the record naming its hash: a crash between leaves a record that does not match.
  writeAtomic(codePath, built.code);
  writeAtomic(recordPath, `${JSON.stringify(record)}\n`);
  log.info({ ms: Date.now() - started, inputs: built.inputs.length }, 'agent bundle built from the sources');
  return { version, code: built.code, sha256: record.sha256, size: built.code.length, source: 'built' };
}

function readCache(codePath: string, recordPath: string): { code: Buffer; record: CacheRecord } | null {
  try {
    return {
      code: readFileSync(codePath),
      record: JSON.parse(readFileSync(recordPath, 'utf8')) as CacheRecord,
    };
  } catch {
    return null;
  }
}

function writeAtomic(path: string, data: Buffer | string) {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, path);
}
