import { hostname } from 'node:os';
import type { RedflagConfig } from './config/index.js';

/** Base URL of this core as agents and browsers reach it, for install commands. */
export function serverUrl(config: RedflagConfig): string {
  return config.http.publicUrl ?? `http://${hostname()}:${config.http.port}`;
}

/**
 * The broker URL handed to an agent at enrollment: the configured one, else the host the agent
 * itself used to reach the HTTP API (it evidently resolves), on the TLS port when there is one.
 */
export function brokerUrlFor(
  config: RedflagConfig,
  requestHost: string | undefined,
  ports: { tcp: number; tls: number | null },
): string {
  if (config.broker.publicUrl) return config.broker.publicUrl;
  const fromPublic = config.http.publicUrl ? new URL(config.http.publicUrl).hostname : null;
  const host = fromPublic ?? hostOnly(requestHost) ?? hostname();
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return ports.tls ? `mqtts://${bracketed}:${ports.tls}` : `mqtt://${bracketed}:${ports.tcp}`;
}

function hostOnly(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  try {
    return new URL(`http://${hostHeader}`).hostname || null;
  } catch {
    return null;
  }
}
