import { definePlugin, runProcess } from '../sdk/index.js';
import { createActions } from './actions.js';
import { configSchema, type ProxmoxConfig, type ProxmoxSecrets, secretsSchema } from './config.js';
import { createEnrollment } from './enrollment.js';
import { inventory } from './inventory.js';
import { migrations } from './migrations.js';
import { declareRoutes } from './routes.js';
import { createSync } from './sync.js';

/**
 * Proxmox VE (issue 23): clusters, nodes, LXCs and VMs read through the PVE API with a
 * read-only token (PVEAuditor), matched to agents, shown as one tree with pending updates
 * rolled up, and actions on a whole node, cluster or tag through the normal command queue.
 */
export default definePlugin<ProxmoxConfig, ProxmoxSecrets>({
  name: 'proxmox',
  version: '0.1.0',
  apiVersion: '^1.2.0',
  kind: 'integration',
  description: 'Proxmox VE clusters, nodes and guests as one tree, matched to agents',
  configSchema,
  secretsSchema,
  migrations,
  create(ctx) {
    const store = inventory(ctx.database);
    const sync = createSync(ctx, store);
    const actions = createActions(ctx, store);
    const enrollment = createEnrollment({
      db: ctx.database,
      // Not ctx.run: that ties a process to the operation that started it, and an enrollment
      // run goes on after its route answered. Its ssh processes stop with the plugin instead
      // (the run's signal is ctx.signal) or at their own time limit.
      run: runProcess,
      logger: ctx.logger,
      tokens: ctx.registration,
      privateKey: ctx.secrets.ssh?.privateKey,
      settings: ctx.config.enrollment,
    });
    declareRoutes(ctx, store, sync, actions, enrollment);
    ctx.jobs.add({
      name: 'discover',
      intervalMs: ctx.config.intervalSeconds * 1000,
      jitterMs: Math.min(30_000, ctx.config.intervalSeconds * 100),
      async run(op) {
        await sync.run(op.signal);
      },
    });
    return {
      async start() {
        // Agents that come online may now match a guest by the address they connect from.
        ctx.bus.on('agent.online', async () => {
          await sync.rematch();
        });
        ctx.bus.on('package.status', async (event) => {
          if (event.agentId) await actions.packagesMoved(event.agentId);
        });
        ctx.bus.on('command.status', async (event) => {
          if (/^[0-9a-f-]{36}$/i.test(event.data.commandId))
            await actions.commandChanged(event.data.commandId);
        });
      },
      async stop() {
        sync.close();
      },
    };
  },
});
