/**
 * The core's domain types (issue 22 §2): an agent, a command, a package's state, a system event,
 * a policy, as the rooms work with them. Repositories in core/db store and read them; they do
 * not own them. Types only: this room holds no code.
 */
export type { Agent, AgentStatus } from './agent.js';
export type { Command } from './command.js';
export type { InstallOutcome, PackageState, UpdateEvent } from './package-state.js';
export type { Policy } from './policy.js';
export type { NewSystemEvent, SystemEvent } from './system-event.js';
