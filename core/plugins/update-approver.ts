import type { PluginEventRecorder, UpdateApprover } from '../../plugins/sdk/index.js';
import type { Dispatcher } from '../commands/index.js';
import type { Database } from '../db/index.js';
import type { EventRecorder, LiveBus } from '../events/index.js';
import { mayInstallNow } from '../policy/index.js';
import { createInstallWorkflow, type InstallWorkflow } from '../updates/index.js';

/** The one workflow call plugins need: approve, then dry run → install under the policies. */
export type WorkflowApprove = Pick<InstallWorkflow, 'approve'>;

/**
 * The install workflow for plugins when the composition root hands none (core/main.ts does not
 * yet). The workflow keeps all its state in the database and the dispatcher's onFinished (the
 * core's own instance) carries the dry run on to the install, so a second instance approving
 * here behaves exactly like the first; maintenance windows are read the way core/policy does.
 */
export function standaloneWorkflow(parts: {
  db: Database;
  events: EventRecorder;
  dispatcher: Pick<Dispatcher, 'issue'>;
  bus: LiveBus;
}): WorkflowApprove {
  return createInstallWorkflow({
    db: parts.db,
    events: parts.events,
    commands: parts.dispatcher,
    bus: parts.bus,
    mayInstallNow: async (agentId) => {
      const agent = await parts.db.agents.findById(agentId);
      return mayInstallNow(await parts.db.policies.windows(), agent?.labels ?? [], new Date());
    },
  });
}

/** Approvals by `plugin:<name>` (issue 26 §1: installs from Home Assistant). */
export function updateApprover(plugin: string, workflow: WorkflowApprove): UpdateApprover {
  return {
    async approve(packages) {
      const refs = packages.map((p) => ({
        agentId: p.agentId,
        plugin: p.plugin,
        name: p.name,
        arch: p.arch,
      }));
      const { approved, refused } = await workflow.approve(refs, `plugin:${plugin}`);
      return {
        approved: approved.map((r) => ({ agentId: r.agentId, plugin: r.plugin, name: r.name, arch: r.arch })),
        refused: refused.map((r) => ({ name: r.ref.name, why: r.why })),
      };
    },
  };
}

/** A plugin's own system events: type `plugin`, its name in the metadata. */
export function pluginEventRecorder(plugin: string, events: EventRecorder): PluginEventRecorder {
  return {
    async record(event) {
      await events.record({
        type: 'plugin',
        subtype: event.subtype,
        severity: event.severity,
        component: 'plugins',
        ...(event.agentId ? { agentId: event.agentId } : {}),
        message: `${plugin}: ${event.message}`,
        metadata: { ...(event.metadata ?? {}), plugin },
      });
    },
  };
}
