import type { MqttClient } from 'mqtt';
import {
  type AgentIdentity,
  type CommandRefusals,
  connectAgent,
  envelope,
  listenDown,
  publishUp,
} from './sim-agent.js';

/** What the agent answers to one command: a `result` with this status, error and data. */
export type Responder = (params: Record<string, unknown>) => {
  status?: 'succeeded' | 'failed';
  error?: string;
  data?: Record<string, unknown>;
};

/**
 * A test agent over the real protocol (signed connect over MQTT, commands verified and
 * acknowledged by listenDown) that answers each command type it has a responder for with a
 * `result`, once per command id; other types are acknowledged and left running, and those in
 * `opts.refuse` refused in the ack.
 */
export async function answeringAgent(
  core: { mqttUrl: string },
  identity: AgentIdentity,
  answers: Partial<Record<string, Responder>>,
  opts: { refuse?: CommandRefusals } = {},
) {
  const client: MqttClient = await connectAgent(core.mqttUrl, identity);
  const down = await listenDown(client, identity, opts);
  const seen = new Set<string>();
  const received: Array<{ id: string; type: string; params: Record<string, unknown> }> = [];
  /** The id of the `result` message sent for each command. */
  const results = new Map<string, string>();
  client.on('message', (topic, payload) => {
    if (!topic.endsWith('/command')) return;
    const message = JSON.parse(payload.toString()) as {
      id: string;
      type: string;
      params: Record<string, unknown>;
    };
    if (seen.has(message.id)) return;
    seen.add(message.id);
    received.push({ id: message.id, type: message.type, params: message.params });
    const answer = answers[message.type];
    if (!answer || opts.refuse?.[message.type]) return;
    const { status = 'succeeded', error, data } = answer(message.params);
    const now = new Date().toISOString();
    const result = envelope();
    results.set(message.id, result.id);
    void publishUp(client, identity, 'result', {
      ...result,
      commandId: message.id,
      status,
      startedAt: now,
      finishedAt: now,
      ...(error ? { error } : {}),
      ...(data ? { data } : {}),
    }).catch(() => {});
  });
  return {
    client,
    down,
    received,
    /**
     * Resolves once the core has receipted this command's result: it has then also done what
     * follows from it (the receipt goes out after the result's handler, onFinished included).
     */
    async handled(commandId: string): Promise<void> {
      await down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === results.get(commandId));
    },
  };
}
