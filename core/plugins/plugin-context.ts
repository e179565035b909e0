import { createValidatorAjv } from '../../broker/protocol/index.js';
import type {
  CoreBus,
  JobScheduler,
  OperationContext,
  PluginJob,
  PluginRoute,
  PreparedPlugin,
  RouteRegistrar,
} from '../../plugins/sdk/index.js';
import type { Dispatcher } from '../commands/index.js';
import type { Database } from '../db/index.js';
import type { EventRecorder, LiveBus } from '../events/index.js';
import type { JobRunner } from '../jobs/index.js';
import {
  agentMetadataWriter,
  commandIssuer,
  containerReader,
  fleetReader,
  registrationTokens,
} from './fleet-facade.js';
import { pluginEventRecorder, updateApprover, type WorkflowApprove } from './update-approver.js';

/** Compiles a route's schemas at declaration: a bad one fails its plugin, not the HTTP server. */
const schemaCheck = createValidatorAjv({ strict: false });

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
const ROLES = new Set(['viewer', 'operator', 'admin']);
const ROUTE_PATH = /^(\/[A-Za-z0-9_.~-]+|\/:[A-Za-z][A-Za-z0-9_]*)+$/;

/** The core's token creation (core/fleet `createToken`, one seat), as the composition root wires it. */
export type RegistrationTokenIssuer = (request: {
  label: string;
  createdBy: string;
}) => Promise<{ token: string; install: string }>;

/** What one plugin registered through its context; the host undoes it when the plugin stops. */
export interface PluginRegistrations {
  routes: PluginRoute[];
  unsubscribes: Array<() => void>;
  removeJobs: Array<() => void>;
}

export interface ContextParts {
  db: Database;
  bus: LiveBus;
  dispatcher: Pick<Dispatcher, 'issue'>;
  workflow: WorkflowApprove;
  events: EventRecorder;
  jobs: JobRunner;
  /** Issues a single-seat registration token for a plugin; absent: plugins get none. */
  registrationTokens?: RegistrationTokenIssuer;
  /** False once plugins are created: routes must exist before the HTTP server starts. */
  routesOpen(): boolean;
  /** Runs a listener or job of the plugin under the host's guard; rejects with the failure. */
  guarded(
    plugin: string,
    operation: 'event' | 'job',
    invoke: (signal: AbortSignal) => Promise<void>,
  ): Promise<void>;
  isActive(plugin: string): boolean;
}

/** The core's part of a plugin's context (issue 22 §4), the SDK's common part comes from its host. */
/** A core plugin's handlers never install: their point of no return only checks for a cancel. */
function outsideAnInstall(signal: AbortSignal): OperationContext {
  return { signal, pointOfNoReturn: () => signal.throwIfAborted() };
}

export function corePluginContext(
  plugin: PreparedPlugin,
  parts: ContextParts,
  registrations: PluginRegistrations,
): Record<string, unknown> {
  const { name } = plugin;
  const bus: CoreBus = {
    on(kind, listener) {
      const off = parts.bus.on(kind, (event) => {
        if (!parts.isActive(name)) return;
        // Outside the emitter: the part that emitted does not wait for a plugin.
        void parts
          .guarded(name, 'event', async (signal) => {
            await listener(event, outsideAnInstall(signal));
          })
          .catch(() => {});
      });
      registrations.unsubscribes.push(off);
      return off;
    },
    emitProgress(subject, id, progress, agentId = null) {
      if (!parts.isActive(name)) return;
      parts.bus.emit('plugin.progress', agentId, {
        plugin: name,
        subject: String(subject).slice(0, 64),
        id: String(id).slice(0, 128),
        progress: structuredClone(progress),
      });
    },
  };
  const routes: RouteRegistrar = {
    add(route: PluginRoute) {
      if (!parts.routesOpen())
        throw new Error(`plugin ${name}: routes are declared in create(), before the HTTP server starts`);
      if (!METHODS.has(route.method)) throw new Error(`plugin ${name}: unknown method ${route.method}`);
      if (route.path !== '/' && !ROUTE_PATH.test(route.path))
        throw new Error(`plugin ${name}: route path ${route.path} must look like /items or /items/:id`);
      if (!ROLES.has(route.role))
        throw new Error(
          `plugin ${name}: route ${route.path} must declare a role (viewer, operator or admin)`,
        );
      if (typeof route.schema?.response !== 'object')
        throw new Error(`plugin ${name}: route ${route.path} must declare its response schema`);
      for (const part of ['params', 'querystring', 'body'] as const) {
        const schema = route.schema[part];
        if (schema === undefined) continue;
        try {
          schemaCheck.compile(schema);
        } catch (err) {
          throw new Error(
            `plugin ${name}: the ${part} schema of ${route.path} is invalid: ${(err as Error).message}`,
            { cause: err },
          );
        }
      }
      if (registrations.routes.some((r) => r.method === route.method && r.path === route.path))
        throw new Error(`plugin ${name}: ${route.method} ${route.path} is declared twice`);
      registrations.routes.push(route);
    },
  };
  const jobs: JobScheduler = {
    add(job: PluginJob) {
      registrations.removeJobs.push(
        parts.jobs.add({
          name: `plugin:${name}:${job.name}`,
          intervalMs: job.intervalMs,
          jitterMs: job.jitterMs,
          run: async () => {
            if (parts.isActive(name))
              await parts.guarded(name, 'job', (signal) => job.run(outsideAnInstall(signal)));
          },
        }),
      );
    },
  };
  return {
    secrets: deepFreeze(structuredClone(plugin.secrets)),
    bus,
    fleet: fleetReader(parts.db),
    agentMetadata: agentMetadataWriter(name, parts.db),
    registration: registrationTokens(name, parts.registrationTokens),
    commands: commandIssuer(name, parts.dispatcher),
    database: parts.db.plugin(name).database,
    routes,
    jobs,
    updates: updateApprover(name, parts.workflow),
    events: pluginEventRecorder(name, parts.events),
    containers: containerReader(parts.db),
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
