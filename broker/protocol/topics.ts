import { isAgentId } from './ids.js';

/**
 * Topic layout of protocol v1 (DESIGN.md §4):
 *   `<prefix>/v1/agents/<agentId>/up/<type>`    agent → core
 *   `<prefix>/v1/agents/<agentId>/down/<type>`  core → agent
 *   `<prefix>/v1/agents/<agentId>/presence`     retained, with a last will
 */

export const DEFAULT_TOPIC_PREFIX = 'rf';
export const TOPIC_VERSION = 'v1';

export const UP_TYPES = ['hello', 'scan', 'progress', 'result', 'ack', 'event', 'metrics'] as const;
export const DOWN_TYPES = ['command', 'receipt', 'config'] as const;
/** Up messages the agent keeps in its on-disk spool until the core answers with a `receipt`. */
export const SPOOLED_UP_TYPES = ['scan', 'result', 'event'] as const;

export type UpType = (typeof UP_TYPES)[number];
export type DownType = (typeof DOWN_TYPES)[number];
export type SpooledUpType = (typeof SPOOLED_UP_TYPES)[number];

export type ParsedTopic =
  | { agentId: string; kind: 'up'; type: UpType }
  | { agentId: string; kind: 'down'; type: DownType }
  | { agentId: string; kind: 'presence' };

// Plain levels only: no wildcards, no `$` (reserved for $SYS), no empty levels.
const PREFIX_RE = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;

/** A prefix is one or more plain topic levels (`rf`, `home/rf`). */
export function isValidTopicPrefix(prefix: unknown): prefix is string {
  return typeof prefix === 'string' && PREFIX_RE.test(prefix);
}

export function isUpType(value: unknown): value is UpType {
  return (UP_TYPES as readonly unknown[]).includes(value);
}

export function isDownType(value: unknown): value is DownType {
  return (DOWN_TYPES as readonly unknown[]).includes(value);
}

// Builders throw: a topic built from a bad id is a bug, and must never become a wildcard.
function agentBase(prefix: string, agentId: string): string {
  if (!isValidTopicPrefix(prefix)) throw new TypeError(`invalid topic prefix: ${JSON.stringify(prefix)}`);
  if (!isAgentId(agentId)) throw new TypeError(`invalid agent id: ${JSON.stringify(agentId)}`);
  return `${prefix}/${TOPIC_VERSION}/agents/${agentId}`;
}

export function upTopic(prefix: string, agentId: string, type: UpType): string {
  if (!isUpType(type)) throw new TypeError(`unknown up message type: ${JSON.stringify(type)}`);
  return `${agentBase(prefix, agentId)}/up/${type}`;
}

export function downTopic(prefix: string, agentId: string, type: DownType): string {
  if (!isDownType(type)) throw new TypeError(`unknown down message type: ${JSON.stringify(type)}`);
  return `${agentBase(prefix, agentId)}/down/${type}`;
}

export function presenceTopic(prefix: string, agentId: string): string {
  return `${agentBase(prefix, agentId)}/presence`;
}

/** The one subscription an agent makes: everything addressed to it. */
export function downWildcard(prefix: string, agentId: string): string {
  return `${agentBase(prefix, agentId)}/down/#`;
}

/**
 * Reads a concrete topic. Returns null for anything that is not exactly one of the three
 * shapes above: another prefix or version, wildcards, extra or missing levels, unknown types,
 * an agent id that is not a lowercase UUID.
 */
export function parseTopic(prefix: string, topic: string): ParsedTopic | null {
  if (!isValidTopicPrefix(prefix) || typeof topic !== 'string') return null;
  const head = `${prefix}/${TOPIC_VERSION}/agents/`;
  if (!topic.startsWith(head)) return null;
  const [agentId, kind, type, ...extra] = topic.slice(head.length).split('/');
  if (extra.length > 0 || !isAgentId(agentId)) return null;
  if (kind === 'presence') return type === undefined ? { agentId, kind } : null;
  if (kind === 'up' && isUpType(type)) return { agentId, kind, type };
  if (kind === 'down' && isDownType(type)) return { agentId, kind, type };
  return null;
}
