import type { OperationContext, PluginContext } from '../sdk/index.js';
import type { DockerConfig } from './config.js';
import { CredentialSource } from './credentials.js';
import { connectEngine, type EngineConnection } from './detect.js';
import { PluginError } from '../sdk/index.js';
import type { EngineClient } from './engine-client.js';
import { RegistryClient } from './registry-client.js';

// Loopback registries speak plain HTTP, as Docker allows for 127.0.0.0/8 by default.
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

/**
 * What the plugin keeps between operations: the engine connection (its API version was
 * negotiated once) and the registry client, whose tokens and rate-limit state outlive a scan.
 */
export class DockerSession {
  private connection: Promise<EngineConnection> | null = null;
  readonly credentials: CredentialSource;
  readonly registry: RegistryClient;
  /** Warnings of the current operation (an unreadable credentials file). */
  readonly warnings: string[] = [];

  constructor(readonly ctx: PluginContext<DockerConfig>) {
    this.credentials = new CredentialSource(ctx, (message) => this.warnings.push(message));
    const insecure = new Set(ctx.config.insecureRegistries);
    let op: OperationContext = { signal: ctx.signal, pointOfNoReturn: () => {} };
    this.registry = new RegistryClient({
      credentials: (domain, signal) => this.credentials.forRegistry(domain, { ...op, signal }),
      insecure: (domain) => insecure.has(domain) || LOOPBACK.test(domain),
      timeoutMs: ctx.config.requestTimeoutSeconds * 1000,
      maxManifestBytes: ctx.config.maxManifestBytes,
      maxRateLimitWaitMs: ctx.config.maxRateLimitWaitSeconds * 1000,
      now: () => ctx.clock.now().getTime(),
    });
    this.useOperation = (next) => (op = next);
  }

  /** The operation credential helpers run under. */
  readonly useOperation: (op: OperationContext) => void;

  /** Connects (again, after a failure) and negotiates the API version. */
  connect(op: OperationContext, fresh = false): Promise<EngineConnection> {
    if (fresh || !this.connection) {
      this.connection = connectEngine(this.ctx.config.socket, op.signal);
      this.connection.catch(() => (this.connection = null));
    }
    return this.connection;
  }

  async engine(op: OperationContext): Promise<EngineClient> {
    const connection = await this.connect(op);
    if (!connection.engine) {
      this.connection = null;
      throw new PluginError(connection.reason, { code: 'engine-unavailable' });
    }
    return connection.engine;
  }
}
