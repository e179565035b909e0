import { envelope, publishUp } from '../helpers/sim-agent.js';
import type { SeededHost } from './fleet-seed.js';

/**
 * What a host's agent sends while it runs a command, over the real protocol (MQTT `progress`
 * and `result`): the panel tests play the agent's part with these.
 */
export function sendProgress(
  host: SeededHost,
  commandId: string,
  seq: number,
  line: string,
  opts: { stream?: 'stdout' | 'stderr' | 'status'; percent?: number } = {},
): Promise<void> {
  return publishUp(host.client!, host.identity, 'progress', {
    ...envelope(),
    commandId,
    seq,
    stream: opts.stream ?? 'stdout',
    line,
    ...(opts.percent === undefined ? {} : { percent: opts.percent }),
  });
}

export function sendResult(
  host: SeededHost,
  commandId: string,
  status: 'succeeded' | 'failed',
  error?: string,
  data?: Record<string, unknown>,
): Promise<void> {
  const now = new Date().toISOString();
  return publishUp(host.client!, host.identity, 'result', {
    ...envelope(),
    commandId,
    status,
    startedAt: now,
    finishedAt: now,
    exitCode: status === 'succeeded' ? 0 : 1,
    ...(error ? { error } : {}),
    ...(data ? { data } : {}),
  });
}
