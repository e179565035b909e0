import type { ApiClient, Query } from './api-client.js';
import type {
  Agent,
  ApiToken,
  AuthStatus,
  BulkAnswer,
  BulkTarget,
  ChangedPluginSettings,
  ClientErrorReport,
  Command,
  CommandOutputPage,
  ContainerFilter,
  HostContainer,
  CommandQuery,
  CreatedApiToken,
  CreatedRegistrationToken,
  EventQuery,
  MaintenanceWindow,
  Policy,
  ScanSchedule,
  FleetStats,
  Page,
  PackageDetail,
  PackageRef,
  PackageUpdate,
  PluginSettingsEntry,
  CorePlugin,
  RebindAnswer,
  RegistrationToken,
  Role,
  Session,
  SystemEvent,
  OneOrMany,
  UpdateFilter,
  UpdateOrder,
  User,
} from './api-types.js';

/** A bulk action's body: exactly one of `{packages}`, `{ids}`, `{filter}` (docs/api.md "Bulk actions"). */
function bulkBody(target: BulkTarget | readonly PackageRef[]) {
  if (Array.isArray(target))
    return { packages: target.map(({ agentId, plugin, name, arch }) => ({ agentId, plugin, name, arch })) };
  const t = target as BulkTarget;
  if ('filter' in t) return { filter: filterBody(t.filter) };
  return t;
}

const list = <T>(v: OneOrMany<T> | undefined): T[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? [...(v as readonly T[])] : [v as T];

/** The filter as the list's query string: several values comma-separated, empty ones left out. */
function filterQuery(f: UpdateFilter): Query {
  const joined = (v: OneOrMany<string> | undefined) => list(v)?.join(',') || undefined;
  return {
    agent: joined(f.agent),
    plugin: joined(f.plugin),
    severity: joined(f.severity),
    status: joined(f.status),
    security: f.security === undefined ? undefined : String(f.security),
    label: f.label || undefined,
    q: f.q || undefined,
  };
}

/** The filter as a bulk body's `filter`: arrays, empty conditions left out. */
function filterBody(f: UpdateFilter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['agent', 'plugin', 'severity', 'status'] as const) {
    const values = list<string>(f[key]);
    if (values?.length) out[key] = values;
  }
  if (f.security !== undefined) out.security = f.security;
  if (f.label) out.label = f.label;
  if (f.q) out.q = f.q;
  return out;
}

/** The core's routes (docs/api.md), typed. Components call these, never fetch. */
export function createApi(client: ApiClient) {
  return {
    client,
    auth: {
      status: () => client.get<AuthStatus>('api/v1/auth/status'),
      setup: (token: string, username: string, password: string) =>
        client.post<{ user: User }>('api/v1/auth/setup', { token, username, password }),
      login: (username: string, password: string) =>
        client.post<Session>('api/v1/auth/login', { username, password }),
      session: () => client.get<Session>('api/v1/auth/session'),
      logout: () => client.post<void>('api/v1/auth/logout'),
    },
    agents: {
      list: (query: Query = {}) =>
        client.get<{ items: Agent[] } | Agent[]>('api/v1/agents', query).then(itemsOf),
      get: (id: string) => client.get<Agent>(`api/v1/agents/${encodeURIComponent(id)}`),
      revoke: (id: string) => client.post<Agent>(`api/v1/agents/${encodeURIComponent(id)}/revoke`),
      /** Lifts an identity conflict; the next host to connect with the agent's key binds it (admin). */
      rebind: (id: string) => client.post<RebindAnswer>(`api/v1/agents/${encodeURIComponent(id)}/rebind`, {}),
      /** Issues update_agent with the core's current agent bundle (admin). */
      updateAgent: (id: string) => client.post<Command>(`api/v1/agents/${encodeURIComponent(id)}/update`),
    },
    containers: {
      /** The fleet's containers by host and name, one keyset page (docs/api.md "Containers"). */
      list: (filter: ContainerFilter, page: { cursor?: string | null; limit?: number } = {}) =>
        client.get<Page<HostContainer>>('api/v1/containers', {
          agent: list(filter.agent)?.join(',') || undefined,
          status: list(filter.status)?.join(',') || undefined,
          q: filter.q || undefined,
          ...page,
        }),
      /** One host's containers and when its inventory was taken (null: never). */
      ofAgent: (agentId: string) =>
        client.get<{ items: HostContainer[]; scannedAt: string | null }>(
          `api/v1/agents/${encodeURIComponent(agentId)}/containers`,
        ),
    },
    updates: {
      /** One keyset page; pass the answer's `nextCursor` back as `cursor` (same filter and order). */
      list: (
        filter: UpdateFilter,
        page: UpdateOrder & { cursor?: string | null; limit?: number } = {},
        opts: { signal?: AbortSignal } = {},
      ) =>
        client.get<Page<PackageUpdate>>(
          'api/v1/updates',
          { ...filterQuery(filter), ...page },
          opts.signal ? { signal: opts.signal } : {},
        ),
      /** How many package states match (for "all N matching"). */
      count: (filter: UpdateFilter, opts: { signal?: AbortSignal } = {}) =>
        client
          .get<{ count: number }>(
            'api/v1/updates/count',
            filterQuery(filter),
            opts.signal ? { signal: opts.signal } : {},
          )
          .then((a) => a.count),
      /** One package with its history and, while it waits in pending_dependencies, the transaction. */
      detail: (id: string) => client.get<PackageDetail>(`api/v1/updates/${encodeURIComponent(id)}`),
      approve: (target: BulkTarget | readonly PackageRef[]) =>
        client.post<BulkAnswer>('api/v1/updates/approve', bulkBody(target)),
      ignore: (target: BulkTarget | readonly PackageRef[]) =>
        client.post<BulkAnswer>('api/v1/updates/ignore', bulkBody(target)),
      install: (target: BulkTarget | readonly PackageRef[]) =>
        client.post<BulkAnswer>('api/v1/updates/install', bulkBody(target)),
      /**
       * Accept the dry-run transaction reviewed (removals included): an install of the whole set
       * that dry run was computed for on that host and package manager, carrying it. A newer
       * transaction waiting answers 409 `transaction_changed`.
       */
      confirm: (agentId: string, plugin: string, dryRunCommandId: string | null) =>
        client.post<{ confirmed: number }>('api/v1/updates/confirm', {
          agentId,
          plugin,
          ...(dryRunCommandId ? { dryRunCommandId } : {}),
        }),
      /** Refuse it: that host's packages of that package manager go back to pending. */
      reject: (agentId: string, plugin: string) =>
        client.post<{ rejected: number }>('api/v1/updates/reject', { agentId, plugin }),
    },
    stats: (days = 30) => client.get<FleetStats>('api/v1/stats', { days }),
    commands: {
      /** Newest first, keyset-paged; `agent`, `status`, `type`, `source`, `since` filter. */
      list: (query: CommandQuery & { cursor?: string | null; limit?: number } = {}) =>
        client.get<Page<Command>>('api/v1/commands', { ...query }),
      /** Every command not finished yet, oldest first. */
      active: (filter: { agent?: string } = {}) =>
        client.get<{ items: Command[] } | Command[]>('api/v1/commands/active', filter).then(itemsOf),
      get: (id: string) => client.get<Command>(`api/v1/commands/${encodeURIComponent(id)}`),
      /** Stored output lines with a seq above `after` (-1: from the first). */
      output: (id: string, after = -1, limit = 1000) =>
        client.get<CommandOutputPage>(`api/v1/commands/${encodeURIComponent(id)}/output`, { after, limit }),
      issue: (agentId: string, type: string, params: Record<string, unknown> = {}) =>
        client.post<Command>('api/v1/commands', { agentId, type, params }),
      retry: (id: string) => client.post<Command>(`api/v1/commands/${encodeURIComponent(id)}/retry`),
      /**
       * The cancelled command (200), or `{ command, cancel }` (202) when the agent runs it and
       * was asked to stop it (issue 21 §6).
       */
      cancel: (id: string) =>
        client.post<Command | { command: Command; cancel: Command }>(
          `api/v1/commands/${encodeURIComponent(id)}/cancel`,
        ),
    },
    events: {
      list: (query: Query = {}) => client.get<Page<SystemEvent>>('api/v1/events', query),
    },
    /** Events newest first, keyset-paged (docs/api.md "Events"). */
    eventPages: {
      list: (filter: EventQuery, page: { cursor?: string | null; limit?: number } = {}) =>
        client.get<Page<SystemEvent>>('api/v1/events', { ...filter, ...page }),
    },
    registrationTokens: {
      list: () => client.get<RegistrationToken[]>('api/v1/registration-tokens'),
      create: (body: { label: string; seats?: number; expires?: string }) =>
        client.post<CreatedRegistrationToken>('api/v1/registration-tokens', body),
      revoke: (id: string) =>
        client.post<RegistrationToken>(`api/v1/registration-tokens/${encodeURIComponent(id)}/revoke`),
    },
    users: {
      list: () => client.get<User[]>('api/v1/users'),
      create: (body: { username: string; password: string; role: Role }) =>
        client.post<User>('api/v1/users', body),
      setRole: (id: string, role: Role) =>
        client.request<User>('PATCH', `api/v1/users/${encodeURIComponent(id)}`, { body: { role } }),
    },
    apiTokens: {
      list: () => client.get<ApiToken[]>('api/v1/api-tokens'),
      create: (body: { name: string; role: Role }) => client.post<CreatedApiToken>('api/v1/api-tokens', body),
      revoke: (id: string) => client.post<unknown>(`api/v1/api-tokens/${encodeURIComponent(id)}/revoke`),
    },
    policies: resource<Policy, Omit<Policy, 'id' | 'enabled' | 'createdAt' | 'createdBy'>>(
      client,
      'api/v1/policies',
    ),
    maintenanceWindows: resource<MaintenanceWindow, Omit<MaintenanceWindow, 'id' | 'enabled'>>(
      client,
      'api/v1/maintenance-windows',
    ),
    schedules: resource<ScanSchedule, Omit<ScanSchedule, 'id'>>(client, 'api/v1/schedules'),
    /** The core's integration and notifier plugins (config.yaml `plugins.enabled`). */
    plugins: {
      list: () => client.get<{ items: CorePlugin[] }>('api/v1/plugins').then((a) => a.items),
    },
    pluginSettings: {
      list: () => client.get<{ items: PluginSettingsEntry[] }>('api/v1/plugin-settings').then((a) => a.items),
      /** Replaces the plugin's settings; the core sends them, signed, to every host of the plugin. */
      change: (plugin: string, settings: Record<string, unknown>) =>
        client.request<ChangedPluginSettings>('PUT', `api/v1/plugin-settings/${encodeURIComponent(plugin)}`, {
          body: { settings },
        }),
    },
    clientErrors: {
      /** Never reported when it fails itself (the reporter retries it instead). */
      send: (errors: ClientErrorReport[]) =>
        client.post<{ accepted: number }>('api/v1/client-errors', { errors }, { report: false }),
    },
  };
}

export type Api = ReturnType<typeof createApi>;

/** A settings collection: list, create, PATCH a change, DELETE (policies, windows, schedules). */
function resource<T, New>(client: ApiClient, path: string) {
  const one = (id: string) => `${path}/${encodeURIComponent(id)}`;
  return {
    list: () => client.get<T[]>(path),
    create: (body: New) => client.post<T>(path, body),
    change: (id: string, body: Partial<T>) => client.request<T>('PATCH', one(id), { body }),
    remove: (id: string) => client.request<unknown>('DELETE', one(id)),
  };
}

/** Lists answer `{items}` (or a bare array on older routes). */
function itemsOf<T>(answer: { items: T[] } | T[]): T[] {
  return Array.isArray(answer) ? answer : answer.items;
}
