import type { MqttClient } from 'mqtt';
import { type AgentIdentity, connectAgent, envelope, listenDown, publishUp } from './sim-agent.js';

/** What the agent answers to one command: a `result` with this status, error and data. */
export type Responder = (params: Record<string, unknown>) => {
  status?: 'succeeded' | 'failed';
  error?: string;
  data?: Record<string, unknown>;
};

/**
 * A test agent over the real protocol (signed connect over MQTT, commands verified and
 * acknowledged by listenDown) that answers each command type it has a responder for with a
 * `result`, once per command id; other types are acknowledged and left running.
 */
export async function answeringAgent(
  core: { mqttUrl: string },
  identity: AgentIdentity,
  answers: Partial<Record<string, Responder>>,
) {
  const client: MqttClient = await connectAgent(core.mqttUrl, identity);
  const down = await listenDown(client, identity);
  const seen = new Set<string>();
  const received: Array<{ id: string; type: string; params: Record<string, unknown> }> = [];
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
    if (!answer) return;
    const { status = 'succeeded', error, data } = answer(message.params);
    const now = new Date().toISOString();
    void publishUp(client, identity, 'result', {
      ...envelope(),
      commandId: message.id,
      status,
      startedAt: now,
      finishedAt: now,
      ...(error ? { error } : {}),
      ...(data ? { data } : {}),
    }).catch(() => {});
  });
  return { client, down, received };
}
