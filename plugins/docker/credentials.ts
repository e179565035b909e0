import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { OperationContext, PluginContext } from '../sdk/index.js';
import type { DockerConfig, RegistryCredentials } from './config.js';
import { DOCKER_HUB_DOMAIN } from './image-reference.js';

/** The Docker CLI's config file, as far as credentials go. */
interface DockerCliConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

// The Docker CLI stores Docker Hub's credentials under its v1 index URL.
const HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/**
 * Credentials for a registry: the agent's config first, then the host's `~/.docker/config.json`
 * (`auths`, then `credHelpers`/`credsStore` through `docker-credential-<helper> get`). Null
 * means anonymous. A broken file or helper means anonymous too, with a warning.
 */
export class CredentialSource {
  private file: Promise<DockerCliConfig> | null = null;
  private readonly cache = new Map<string, Promise<RegistryCredentials | null>>();

  constructor(
    private readonly ctx: PluginContext<DockerConfig>,
    private readonly warn: (message: string) => void,
  ) {}

  /** Forget what was read: a new scan reads the file and asks the helpers again. */
  reset(): void {
    this.file = null;
    this.cache.clear();
  }

  forRegistry(domain: string, op: OperationContext): Promise<RegistryCredentials | null> {
    let found = this.cache.get(domain);
    if (!found) {
      found = this.lookUp(domain, op);
      this.cache.set(domain, found);
    }
    return found;
  }

  private async lookUp(domain: string, op: OperationContext): Promise<RegistryCredentials | null> {
    const configured = this.ctx.config.registries[domain];
    if (configured) return configured;
    const file = await (this.file ??= this.readFile());
    const keys = domain === DOCKER_HUB_DOMAIN ? HUB_KEYS : [domain, `https://${domain}`, `http://${domain}`];
    for (const key of keys) {
      const entry = file.auths?.[key];
      if (entry?.auth) {
        const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
      }
      if (entry?.username && entry.password) return { username: entry.username, password: entry.password };
    }
    const helper = keys.map((k) => file.credHelpers?.[k]).find(Boolean) ?? file.credsStore;
    return helper ? this.askHelper(helper, domain === DOCKER_HUB_DOMAIN ? HUB_KEYS[0]! : domain, op) : null;
  }

  private async readFile(): Promise<DockerCliConfig> {
    const path = this.ctx.config.dockerConfigPath || join(homedir(), '.docker', 'config.json');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return {};
    }
    try {
      return JSON.parse(text) as DockerCliConfig;
    } catch {
      this.warn(`${path} is not JSON: its credentials are not used`);
      return {};
    }
  }

  /** The credential helper protocol: the server URL on stdin, `{Username, Secret}` on stdout. */
  private async askHelper(helper: string, server: string, op: OperationContext) {
    if (!/^[\w.-]+$/.test(helper)) return null;
    const result = await this.ctx.run(`docker-credential-${helper}`, ['get'], {
      stdin: server,
      timeoutMs: 30_000,
      signal: op.signal,
    });
    if (result.exitCode !== 0) {
      // "credentials not found" is the helper's normal answer for a registry it does not know.
      if (!/not found/i.test(result.stdout.join(' ')))
        this.warn(
          `docker-credential-${helper} get failed for ${server}: ${result.spawnError ?? 'exit ' + result.exitCode}`,
        );
      return null;
    }
    try {
      const answer = JSON.parse(result.stdout.join('\n')) as { Username?: string; Secret?: string };
      return answer.Username && answer.Secret ? { username: answer.Username, password: answer.Secret } : null;
    } catch {
      this.warn(`docker-credential-${helper} answered something that is not JSON`);
      return null;
    }
  }
}
