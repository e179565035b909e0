import type { PluginEventRecorder, UpdateApprover } from '../../plugins/sdk/index.js';
import type { EventRecorder } from '../events/index.js';
import type { InstallWorkflow } from '../updates/index.js';

/** The one workflow call plugins need: approve, then dry run → install under the policies. */
export type WorkflowApprove = Pick<InstallWorkflow, 'approve'>;

/** Who approved: the plugin, and the person who asked it when it says (`plugin:proxmox for alice`). */
const approverName = (plugin: string, requestedBy?: string) =>
  requestedBy ? `plugin:${plugin} for ${requestedBy}` : `plugin:${plugin}`;

/** Approvals by `plugin:<name>` (issue 26 §1: installs from Home Assistant). */
export function updateApprover(plugin: string, workflow: WorkflowApprove): UpdateApprover {
  return {
    async approve(packages, options = {}) {
      const refs = packages.map((p) => ({
        agentId: p.agentId,
        plugin: p.plugin,
        name: p.name,
        arch: p.arch,
      }));
      const { approved, refused } = await workflow.approve(refs, approverName(plugin, options.requestedBy));
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
