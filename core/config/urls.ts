import { hostname, networkInterfaces } from 'node:os';
import type { RedflagConfig } from './schema.js';

type Interfaces = ReturnType<typeof networkInterfaces>;

/** Base URL of this core as agents and browsers reach it, for install commands. */
export function serverUrl(config: RedflagConfig): string {
  return config.http.publicUrl ?? `http://${hostname()}:${config.http.port}`;
}

/**
 * Base URL a browser on another machine of the LAN opens (issue 21 §2), for the setup link and
 * the ready line: http.publicUrl when set; the address the HTTP server is bound to; for a
 * wildcard bind (0.0.0.0, ::) this host's first LAN IPv4 address, since a bare host name often
 * does not resolve from other machines; the host name when there is none.
 */
export function lanBaseUrl(
  config: Pick<RedflagConfig, 'http'>,
  interfaces: Interfaces = networkInterfaces(),
): string {
  if (config.http.publicUrl) return config.http.publicUrl.replace(/\/+$/, '');
  const bound = config.http.host;
  const wildcard = bound === '0.0.0.0' || bound === '::' || bound === '[::]';
  const host = wildcard ? (firstLanIpv4(interfaces) ?? hostname()) : bound;
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${bracketed}:${config.http.port}`;
}

function firstLanIpv4(interfaces: Interfaces): string | null {
  for (const addresses of Object.values(interfaces))
    for (const address of addresses ?? [])
      // 169.254.x.x is a link without DHCP: no other machine reaches it.
      if (address.family === 'IPv4' && !address.internal && !address.address.startsWith('169.254.'))
        return address.address;
  return null;
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
