import type { EndpointSettings, InspectedContainer, InspectedImage } from './container-ops.js';

/**
 * What `POST /containers/create` needs to make the same container again on another image: the
 * container's Config and HostConfig as the engine gave them, and its networks with their
 * aliases. Values the container only had because its old image said so (its Cmd, Env entries,
 * labels, …) are left out, so the new image's own apply, as `docker run` would have done.
 */
export interface ContainerSpec {
  name: string;
  /** The create body: Config's fields, `HostConfig`, `NetworkingConfig` with one network. */
  body: Record<string, unknown>;
  /** Networks beyond the first: connected after create (API < 1.44 creates with one). */
  moreNetworks: Record<string, EndpointSettings>;
}

// Config fields an image supplies, which a container inherits unless it was given its own.
const INHERITED = ['Cmd', 'Entrypoint', 'WorkingDir', 'User', 'Healthcheck', 'StopSignal'] as const;
// Set per container by the engine: never sent back.
const ENGINE_OWNED = ['Hostname', 'Domainname', 'Image'] as const;

export function containerSpec(
  container: InspectedContainer,
  oldImage: InspectedImage | null,
  newImage: string,
  /** `container:<id>` network modes pointing at these ids name the container instead (it is recreated). */
  renamedProviders: ReadonlyMap<string, string> = new Map(),
): ContainerSpec {
  const imageConfig = (oldImage?.Config ?? {}) as Record<string, unknown>;
  const config: Record<string, unknown> = { ...container.Config };
  for (const key of ENGINE_OWNED) delete config[key];
  // A hostname set by the user is kept; the engine's default (the short id) is not.
  const hostname = container.Config.Hostname;
  if (typeof hostname === 'string' && hostname !== '' && !container.Id.startsWith(hostname))
    config.Hostname = hostname;
  for (const key of INHERITED)
    if (same(config[key], imageConfig[key]) || isEmpty(config[key])) delete config[key];
  // podman writes the hostname into Env too; the engine's default one goes with the hostname.
  config.Env = subtract(container.Config.Env, imageConfig.Env).filter(
    (v) => config.Hostname !== undefined || v !== `HOSTNAME=${String(hostname)}`,
  );
  config.Labels = withoutImageLabels(container.Config.Labels ?? {}, imageConfig.Labels);
  config.ExposedPorts = withoutKeys(container.Config.ExposedPorts, imageConfig.ExposedPorts);
  config.Volumes = withoutKeys(container.Config.Volumes, imageConfig.Volumes);
  config.Image = newImage;

  const hostConfig: Record<string, unknown> = { ...container.HostConfig };
  const anonymous = anonymousVolumes(container);
  if (anonymous.length) hostConfig.Binds = [...((hostConfig.Binds as string[] | null) ?? []), ...anonymous];
  const mode = container.HostConfig.NetworkMode ?? '';
  const provider = /^container:(.+)$/.exec(mode)?.[1];
  if (provider) hostConfig.NetworkMode = `container:${renamedProviders.get(provider) ?? provider}`;

  const networks = Object.entries(container.NetworkSettings?.Networks ?? {});
  const sharesNamespace = /^(container:|host$|none$)/.test(mode);
  const endpoints = sharesNamespace
    ? []
    : networks.map(([name, e]) => [name, endpoint(e, container.Id)] as const);
  const [first, ...rest] = endpoints;
  const body = {
    ...config,
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: first ? { [first[0]]: first[1] } : {} },
  };
  return { name: containerNameOf(container), body, moreNetworks: Object.fromEntries(rest) };
}

function containerNameOf(c: InspectedContainer): string {
  return c.Name.replace(/^\//, '');
}

/** The endpoint as create takes it: aliases without the engine's own (the short container id). */
function endpoint(e: EndpointSettings, id: string): EndpointSettings {
  const aliases = (e.Aliases ?? []).filter((a) => !id.startsWith(a));
  return {
    ...(aliases.length ? { Aliases: aliases } : {}),
    ...(e.Links?.length ? { Links: e.Links } : {}),
    ...(e.IPAMConfig ? { IPAMConfig: e.IPAMConfig } : {}),
    ...(e.DriverOpts ? { DriverOpts: e.DriverOpts } : {}),
  };
}

/**
 * Volumes the container got without naming them (an image's VOLUME, `-v /data`): HostConfig does
 * not list them, so without this the new container would get new, empty ones.
 */
function anonymousVolumes(c: InspectedContainer): string[] {
  const binds = ((c.HostConfig.Binds as string[] | null) ?? []).map((b) => b.split(':')[1]);
  const mounts = ((c.HostConfig.Mounts as { Target?: string }[] | null) ?? []).map((m) => m.Target);
  const listed = new Set([...binds, ...mounts]);
  return (c.Mounts ?? [])
    .filter((m) => m.Type === 'volume' && m.Name && m.Destination && !listed.has(m.Destination))
    .map((m) => `${m.Name}:${m.Destination}${m.RW === false ? ':ro' : ''}`);
}

function subtract(values: unknown, inherited: unknown): string[] {
  const own = Array.isArray(values) ? (values as string[]) : [];
  const base = new Set(Array.isArray(inherited) ? (inherited as string[]) : []);
  return own.filter((v) => !base.has(v));
}

function withoutImageLabels(labels: Record<string, string>, inherited: unknown): Record<string, string> {
  const base = (inherited ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(labels).filter(([k, v]) => base[k] !== v));
}

function withoutKeys(values: unknown, inherited: unknown): Record<string, object> {
  const own = (values ?? {}) as Record<string, object>;
  const base = (inherited ?? {}) as Record<string, object>;
  return Object.fromEntries(Object.entries(own).filter(([k]) => !(k in base)));
}

function isEmpty(value: unknown): boolean {
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}
