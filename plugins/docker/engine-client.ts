import { PluginError } from '../sdk/index.js';
import { engineRequest } from './engine-http.js';

/**
 * The API versions this client speaks. The lowest is what podman 4.3 serves (1.41) less one;
 * Docker 29 refuses anything below 1.44, so the version is always negotiated from the
 * engine's own `/version`, never fixed (the fixed 1.25 is how Watchtower broke on Docker 29).
 */
export const CLIENT_MIN_API = '1.40';
export const CLIENT_MAX_API = '1.52';

export interface EngineVersion {
  /** `Docker Engine - Community`, `Podman Engine`. */
  name: string;
  version: string;
  apiVersion: string;
  minApiVersion: string;
  os: string;
  arch: string;
}

const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** The engine's API, at the version negotiated with it. */
export class EngineClient {
  private constructor(
    readonly socketPath: string,
    readonly engine: EngineVersion,
    /** The version every request is made at: the lower of the engine's and ours. */
    readonly apiVersion: string,
  ) {}

  /** Asks the engine its version on the unversioned `/version` and settles on one both speak. */
  static async connect(socketPath: string, signal: AbortSignal): Promise<EngineClient> {
    const response = await engineRequest({
      socketPath,
      method: 'GET',
      path: '/version',
      signal,
      maxBytes: 1024 * 1024,
    });
    if (response.status !== 200)
      throw new PluginError(`the engine at ${socketPath} answered /version with ${response.status}`, {
        code: 'engine-error',
      });
    const engine = readVersion(parseJson(response.body, '/version'));
    return new EngineClient(socketPath, engine, negotiateApiVersion(engine));
  }

  async get<T>(path: string, signal: AbortSignal): Promise<T> {
    return (await this.call('GET', path, signal)) as T;
  }

  async post<T = unknown>(path: string, body: unknown, signal: AbortSignal): Promise<T> {
    return (await this.call('POST', path, signal, body)) as T;
  }

  async delete(path: string, signal: AbortSignal): Promise<void> {
    await this.call('DELETE', path, signal);
  }

  /** A POST whose answer is not one JSON document (a pull's progress lines, podman's tag answer), as text. */
  async postText(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<string> {
    return this.send('POST', path, signal, undefined, headers);
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, signal: AbortSignal, body?: unknown) {
    const text = await this.send(method, path, signal, body);
    return text === '' ? null : parseJson(Buffer.from(text), path);
  }

  private async send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    signal: AbortSignal,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<string> {
    const response = await engineRequest({
      socketPath: this.socketPath,
      method,
      path: `/v${this.apiVersion}${path}`,
      signal,
      maxBytes: MAX_ANSWER_BYTES,
      ...(body === undefined ? {} : { body }),
      ...(headers ? { headers } : {}),
    });
    const text = response.body.toString('utf8');
    if (response.status >= 300) {
      const message = messageOf(text) ?? `status ${response.status}`;
      throw new PluginError(`${method} ${path}: ${message}`, {
        code: response.status === 404 ? 'engine-not-found' : 'engine-error',
        details: { status: response.status },
      });
    }
    return text;
  }
}

/** The lower of the engine's version and ours; refused when the ranges do not meet. */
export function negotiateApiVersion(engine: Pick<EngineVersion, 'apiVersion' | 'minApiVersion'>): string {
  if (compareApi(engine.apiVersion, CLIENT_MIN_API) < 0)
    throw new PluginError(
      `the engine serves API ${engine.apiVersion}, older than ${CLIENT_MIN_API} which this plugin needs`,
      { code: 'engine-too-old' },
    );
  if (compareApi(engine.minApiVersion, CLIENT_MAX_API) > 0)
    throw new PluginError(
      `the engine needs API ${engine.minApiVersion} or later; this plugin speaks up to ${CLIENT_MAX_API}`,
      { code: 'engine-too-new' },
    );
  return compareApi(engine.apiVersion, CLIENT_MAX_API) < 0 ? engine.apiVersion : CLIENT_MAX_API;
}

export function compareApi(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

function readVersion(raw: unknown): EngineVersion {
  const v = (raw ?? {}) as Record<string, unknown>;
  const str = (key: string) => (typeof v[key] === 'string' ? (v[key] as string) : '');
  const apiVersion = str('ApiVersion');
  if (!/^\d+\.\d+$/.test(apiVersion))
    throw new PluginError('the engine did not say its API version (ApiVersion in /version)', {
      code: 'engine-error',
    });
  const platform = v.Platform as { Name?: unknown } | undefined;
  const components = Array.isArray(v.Components) ? (v.Components as { Name?: unknown }[]) : [];
  const name =
    (typeof components[0]?.Name === 'string' ? components[0].Name : undefined) ??
    (typeof platform?.Name === 'string' ? platform.Name : 'container engine');
  return {
    name,
    version: str('Version'),
    apiVersion,
    minApiVersion: /^\d+\.\d+$/.test(str('MinAPIVersion')) ? str('MinAPIVersion') : apiVersion,
    os: str('Os') || 'linux',
    arch: str('Arch'),
  };
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new PluginError(`the engine's answer to ${what} is not JSON`, { code: 'engine-error' });
  }
}

function messageOf(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return text.trim().slice(0, 200) || undefined;
  }
}
