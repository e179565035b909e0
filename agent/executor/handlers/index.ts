import type { CommandType } from '../../../broker/protocol/index.js';
import type { CommandHandler } from '../handler.js';
import { cancelHandler } from './cancel.js';
import type { HandlerDeps } from './deps.js';
import { dryRunHandler } from './dry-run.js';
import { installHandler } from './install.js';
import { pluginCommandHandler } from './plugin-command.js';
import { rebootHandler } from './reboot.js';
import { scanHandler } from './scan.js';
import { setConfigHandler } from './set-config.js';
import { updateAgentHandler } from './update-agent.js';

export type { HandlerDeps, SettingsApplier } from './deps.js';

/**
 * The command types this agent runs; its `hello` lists them (`commandTypes`, runnableTypes), so
 * the core issues no other (issue 21 §7). `restart_container` runs only where a plugin runs it
 * (docker); elsewhere it is left out and, were it sent anyway, refused `unknown_type`.
 */
export function createHandlers(deps: HandlerDeps): Partial<Record<CommandType, CommandHandler>> {
  return {
    scan: scanHandler(deps),
    dry_run: dryRunHandler(deps),
    install: installHandler(deps),
    reboot: rebootHandler(deps),
    cancel: cancelHandler(deps),
    set_config: setConfigHandler(deps),
    update_agent: updateAgentHandler(deps),
    restart_container: pluginCommandHandler(deps, 'restart_container'),
    // Each handler's params type is erased here; the executor validates params against the
    // handler's own schema before calling it, which is what makes the erasure safe.
  } as unknown as Partial<Record<CommandType, CommandHandler>>;
}

/** The types the hello lists: those with a handler that can run here now. */
export function runnableTypes(handlers: Partial<Record<CommandType, CommandHandler>>): CommandType[] {
  return (Object.entries(handlers) as [CommandType, CommandHandler][])
    .filter(([, handler]) => handler.available?.() !== false)
    .map(([type]) => type);
}
