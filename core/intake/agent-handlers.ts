import type { Dispatcher } from '../commands/index.js';
import type { Database } from '../db/index.js';
import type { EventRecorder, LiveBus, PresenceEvents } from '../events/index.js';
import { checkHelloMachine, type IdentityContext } from '../fleet/index.js';
import type { IntakeHandlers } from './intake.js';
import { catchUpPluginSettings } from '../policy/index.js';
import { ingestScan } from '../updates/index.js';

/** What the core does with each validated agent message (one handler per message type). */
export function createAgentHandlers(ctx: {
  db: Database;
  events: EventRecorder;
  /** The machine-id check of every hello (issue 21 §5). */
  identity: IdentityContext;
  dispatcher: Dispatcher;
  isConnected(agentId: string): boolean;
  /** Records the agent offline (batched with others going offline at the same moment). */
  markOffline(agentId: string): Promise<void>;
  bus?: LiveBus;
  presence?: PresenceEvents;
}): IntakeHandlers {
  return {
    async hello(agentId, hello) {
      // A hello from another machine than the agent's ends the session before anything is stored.
      if (!(await checkHelloMachine(ctx.identity, agentId, hello.machineIdHash))) return;
      // The one source of truth for an agent's version, OS and capabilities.
      await ctx.db.agents.applyHello(agentId, {
        agentVersion: hello.agentVersion,
        os: [hello.os.name, hello.os.version].filter(Boolean).join(' '),
        arch: hello.arch,
        hostname: hello.hostname,
        capabilities: hello.capabilities,
        commandTypes: hello.commandTypes,
        rebootRequired: hello.rebootRequired,
        metadata: { osId: hello.os.id, kernel: hello.os.kernel ?? null, bootId: hello.bootId ?? null },
      });
      // Settings saved before this host reported the plugin: sent now, signed.
      try {
        await catchUpPluginSettings(ctx, agentId, hello.capabilities);
      } catch (err) {
        await ctx.events.record({
          type: 'settings',
          subtype: 'plugin_settings_catch_up_failed',
          severity: 'warning',
          component: 'policy',
          agentId,
          message: `could not send the stored plugin settings to this host: ${(err as Error).message}`,
        });
      }
    },

    async scan(agentId, scan) {
      const { status } = await ingestScan(ctx, agentId, scan);
      return status;
    },

    async event(agentId, event) {
      const stored = await ctx.db.systemEvents.recordFromAgent(agentId, event.id, {
        type: event.type,
        subtype: event.subtype ?? null,
        severity: event.severity,
        component: 'agent',
        message: event.message,
        metadata: { ...(event.metadata ?? {}), reportedAt: event.ts },
      });
      if (!stored) return 'duplicate';
      ctx.events.published(stored);
      return 'stored';
    },

    // Best effort and replaced by the next sample: only the latest is kept (GET /api/v1/agents/{id}).
    async metrics(agentId, m) {
      const { v: _v, id: _id, ts, ...sample } = m;
      await ctx.db.fleet.recordMetrics(agentId, sample, new Date(ts));
      // Only that it changed: a host's page reads the sample again (one small event per interval).
      ctx.bus?.emit('agent.metrics', agentId, { reportedAt: ts });
    },

    ack(agentId, ack) {
      return ctx.dispatcher.acknowledge(agentId, ack);
    },

    progress(agentId, progress) {
      return ctx.dispatcher.progress(agentId, progress);
    },

    result(agentId, result) {
      return ctx.dispatcher.result(agentId, result);
    },

    async presence(agentId, presence) {
      // A will can arrive after the same agent already reconnected: the live connection wins.
      if (!presence.online && !ctx.isConnected(agentId)) {
        await ctx.markOffline(agentId);
        ctx.presence?.offline(agentId);
      }
    },
  };
}
