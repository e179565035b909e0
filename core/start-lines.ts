import type { PrettyHints } from './log/index.js';

/**
 * What `redflag serve` tells the person who started it (issue 21 §2): the one-time setup link,
 * set apart, and one line saying where the panel, the API docs and the agents' MQTT port are.
 * Each is a log record: a message for people, the same facts as fields for log collectors.
 */
export interface StartLine {
  fields: Record<string, unknown> & PrettyHints;
  message: string;
}

export function setupLinkLine(baseUrl: string, token: string, validHours: number): StartLine {
  const setupUrl = `${baseUrl}/#/setup?token=${token}`;
  return {
    fields: { setupUrl, validHours, standOut: 'setupUrl' },
    message:
      `No users yet: open this link within ${validHours} h to create the first admin ` +
      '(or run `redflag user add --role admin` on this host)',
  };
}

export function readyLine(opts: {
  baseUrl: string;
  mqtt: { tcp: number; tls: number | null; websocket: number | null };
  version: string;
}): StartLine {
  const panelUrl = `${opts.baseUrl}/`;
  const apiDocsUrl = `${opts.baseUrl}/api/docs`;
  const ports = [
    `MQTT port ${opts.mqtt.tcp}`,
    ...(opts.mqtt.tls ? [`${opts.mqtt.tls} (TLS)`] : []),
    ...(opts.mqtt.websocket ? [`${opts.mqtt.websocket} (WebSocket)`] : []),
  ];
  return {
    fields: { panelUrl, apiDocsUrl, mqtt: opts.mqtt, version: opts.version, terse: true },
    message:
      `RedFlag core ready (${opts.version}): panel ${panelUrl}, API docs ${apiDocsUrl}, ` +
      `agents connect to ${ports.join(', ')}`,
  };
}
