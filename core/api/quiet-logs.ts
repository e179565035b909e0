import { LogController } from 'fastify';

/**
 * Per-request access lines would flood a homelab's journal (health probes every few seconds);
 * errors are still logged by the error handler with their request context.
 */
export function quietRequestLogs(): LogController {
  return new LogController({ disableRequestLogging: true });
}
