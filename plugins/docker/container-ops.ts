import { abortError, PluginError } from '../sdk/index.js';
import type { EngineClient } from './engine-client.js';

/** `GET /containers/{id}/json`, the parts an update reads (the rest is kept as the engine gave it). */
export interface InspectedContainer {
  Id: string;
  /** `/web`. */
  Name: string;
  /** The image id (`sha256:…`). */
  Image: string;
  RestartCount?: number;
  Config: Record<string, unknown> & {
    Image?: string;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] } | null;
  };
  HostConfig: Record<string, unknown> & { NetworkMode?: string };
  NetworkSettings?: { Networks?: Record<string, EndpointSettings> | null };
  Mounts?: { Type?: string; Name?: string; Destination?: string; RW?: boolean }[] | null;
  State: {
    Status?: string;
    Running?: boolean;
    Restarting?: boolean;
    ExitCode?: number;
    Error?: string;
    Health?: { Status?: string } | null;
  };
}

export interface EndpointSettings {
  Aliases?: string[] | null;
  Links?: string[] | null;
  IPAMConfig?: Record<string, unknown> | null;
  DriverOpts?: Record<string, string> | null;
  MacAddress?: string;
  NetworkID?: string;
}

export interface InspectedImage {
  Id: string;
  Config?: Record<string, unknown> | null;
}

const enc = encodeURIComponent;

export function containerName(c: Pick<InspectedContainer, 'Name'>): string {
  return c.Name.replace(/^\//, '');
}

/** The engine's container operations an update and a restart need, at the negotiated version. */
export class ContainerOps {
  constructor(
    readonly engine: EngineClient,
    private readonly stopTimeoutSeconds: number,
  ) {}

  inspect(idOrName: string, signal: AbortSignal): Promise<InspectedContainer> {
    return this.engine.get<InspectedContainer>(`/containers/${enc(idOrName)}/json`, signal);
  }

  async inspectImage(ref: string, signal: AbortSignal): Promise<InspectedImage | null> {
    try {
      return await this.engine.get<InspectedImage>(`/images/${enc(ref)}/json`, signal);
    } catch (error) {
      if (error instanceof PluginError && error.code === 'engine-not-found') return null;
      throw error;
    }
  }

  async stop(id: string, signal: AbortSignal): Promise<void> {
    try {
      await this.engine.post(`/containers/${enc(id)}/stop?t=${this.stopTimeoutSeconds}`, undefined, signal);
    } catch (error) {
      // 304: already stopped, which is what was asked.
      if (!(error instanceof PluginError && error.details.status === 304)) throw error;
    }
  }

  async start(id: string, signal: AbortSignal): Promise<void> {
    try {
      await this.engine.post(`/containers/${enc(id)}/start`, undefined, signal);
    } catch (error) {
      if (!(error instanceof PluginError && error.details.status === 304)) throw error;
    }
  }

  async restart(id: string, signal: AbortSignal): Promise<void> {
    await this.engine.post(`/containers/${enc(id)}/restart?t=${this.stopTimeoutSeconds}`, undefined, signal);
  }

  async rename(id: string, name: string, signal: AbortSignal): Promise<void> {
    await this.engine.post(`/containers/${enc(id)}/rename?name=${enc(name)}`, undefined, signal);
  }

  async remove(id: string, signal: AbortSignal): Promise<void> {
    await this.engine.delete(`/containers/${enc(id)}?force=true`, signal);
  }

  async create(name: string, body: Record<string, unknown>, signal: AbortSignal): Promise<string> {
    const created = await this.engine.post<{ Id: string }>(
      `/containers/create?name=${enc(name)}`,
      body,
      signal,
    );
    return created.Id;
  }

  async connect(network: string, id: string, endpoint: EndpointSettings, signal: AbortSignal): Promise<void> {
    await this.engine.post(
      `/networks/${enc(network)}/connect`,
      { Container: id, EndpointConfig: endpoint },
      signal,
    );
  }

  async tagImage(imageId: string, repository: string, tag: string, signal: AbortSignal): Promise<void> {
    const path = `/images/${enc(imageId)}/tag?repo=${enc(repository)}&tag=${enc(tag)}`;
    await this.engine.postText(path, {}, signal);
  }

  async removeImage(imageId: string, signal: AbortSignal): Promise<void> {
    await this.engine.delete(`/images/${enc(imageId)}`, signal);
  }

  /**
   * Waits until the container runs (and is healthy when it has a health check), then for it to
   * keep running `graceMs` without an exit or a restart. The reason when it does not.
   */
  async waitReady(
    id: string,
    options: { timeoutMs: number; graceMs: number; signal: AbortSignal },
  ): Promise<string | null> {
    const deadline = Date.now() + options.timeoutMs;
    let runningSince: number | null = null;
    let restarts: number | undefined;
    for (;;) {
      if (options.signal.aborted) throw abortError(options.signal);
      const c = await this.inspect(id, options.signal);
      restarts ??= c.RestartCount ?? 0;
      const state = c.State;
      if ((c.RestartCount ?? 0) > restarts || state.Restarting) return 'it restarted (it keeps exiting)';
      if (!state.Running)
        return `it is ${state.Status ?? 'not running'} (exit code ${state.ExitCode ?? '?'}${state.Error ? `: ${state.Error}` : ''})`;
      const health = state.Health?.Status;
      const hasCheck = hasHealthCheck(c);
      if (hasCheck && health === 'unhealthy') return 'its health check says unhealthy';
      const ready = !hasCheck || health === 'healthy';
      if (ready) runningSince ??= Date.now();
      if (ready && Date.now() - runningSince! >= options.graceMs) return null;
      if (Date.now() > deadline)
        return hasCheck
          ? `not healthy within ${Math.round(options.timeoutMs / 1000)} s (health: ${health ?? 'none'})`
          : `not running within ${Math.round(options.timeoutMs / 1000)} s`;
      await pause(500, options.signal);
    }
  }
}

export function hasHealthCheck(c: Pick<InspectedContainer, 'Config'>): boolean {
  const test = c.Config.Healthcheck?.Test;
  return Array.isArray(test) && test.length > 0 && test[0] !== 'NONE';
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', abort, { once: true });
    function done() {
      signal.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(abortError(signal));
    }
  });
}
