import { createValidatorAjv } from '../../../broker/protocol/index.js';
import { LIVE_EVENT_KINDS, type LiveEventKind } from '../../events/index.js';

/**
 * What a live-stream client may send (docs/api.md "Live stream"). `subscribe` replaces the
 * filter; with `since` (and the `stream` from `hello`) it first replays what was missed.
 */
export interface SubscribeMessage {
  type: 'subscribe';
  agents?: string[];
  kinds?: LiveEventKind[];
  since?: number;
  stream?: string;
}

export type ClientMessage = SubscribeMessage | { type: 'ping' };

const uuid = {
  type: 'string',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
};

export const subscribeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { const: 'subscribe' },
    agents: { type: 'array', items: uuid, maxItems: 1000, uniqueItems: true },
    kinds: { type: 'array', items: { enum: [...LIVE_EVENT_KINDS] }, maxItems: LIVE_EVENT_KINDS.length },
    since: { type: 'integer', minimum: 0 },
    stream: { type: 'string', minLength: 1, maxLength: 64 },
  },
} as const;

const pingSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: { type: { const: 'ping' } },
} as const;

/** Largest client message accepted (a subscribe naming 1,000 agents fits). */
export const MAX_CLIENT_MESSAGE_BYTES = 64 * 1024;

const ajv = createValidatorAjv();
const validateSubscribe = ajv.compile<SubscribeMessage>(subscribeSchema);
const validatePing = ajv.compile<{ type: 'ping' }>(pingSchema);

export type Parsed = { ok: true; message: ClientMessage } | { ok: false; error: string };

export function parseClientMessage(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'messages are JSON objects' };
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (type === 'ping')
    return validatePing(value) ? { ok: true, message: value } : problem(validatePing.errors);
  if (type === 'subscribe')
    return validateSubscribe(value) ? { ok: true, message: value } : problem(validateSubscribe.errors);
  return { ok: false, error: 'type must be "subscribe" or "ping"' };
}

function problem(errors: typeof validateSubscribe.errors): Parsed {
  const e = errors?.[0];
  return {
    ok: false,
    error: e ? `${e.instancePath || 'message'} ${e.message ?? 'is invalid'}` : 'invalid message',
  };
}

/** The URL's query as a first subscribe message: `?since=12&stream=…&agents=a,b&kinds=x,y`. */
export function subscribeFromQuery(query: {
  since?: string;
  stream?: string;
  agents?: string;
  kinds?: string;
}): Parsed {
  const list = (v: string | undefined) => (v ? v.split(',').filter(Boolean) : undefined);
  const since = query.since === undefined ? undefined : Number(query.since);
  const message = Object.fromEntries(
    Object.entries({
      type: 'subscribe',
      agents: list(query.agents),
      kinds: list(query.kinds),
      since,
      stream: query.stream,
    }).filter(([, v]) => v !== undefined),
  );
  return validateSubscribe(message) ? { ok: true, message } : problem(validateSubscribe.errors);
}
