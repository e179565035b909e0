import type { LiveBus } from './bus.js';

/**
 * agent.online / agent.offline on the bus, once per change: a disconnect and the agent's
 * last-will presence message both say "offline", and the bus should say it once.
 */
export function createPresenceEvents(bus: LiveBus) {
  const online = new Map<string, boolean>();
  const set = (agentId: string, value: boolean) => {
    if (online.get(agentId) === value) return;
    online.set(agentId, value);
    bus.emit(value ? 'agent.online' : 'agent.offline', agentId, {});
  };
  return {
    online: (agentId: string) => set(agentId, true),
    offline: (agentId: string) => set(agentId, false),
  };
}

export type PresenceEvents = ReturnType<typeof createPresenceEvents>;
