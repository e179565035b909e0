import { randomUUID } from 'node:crypto';
import { type CommandMessage, type CommandType, signCommand } from '../../../broker/protocol/index.js';

/** A command signed with the given key, as the core would sign it (tests forge and replay these). */
export function signedCommand(
  key: { keyId: string; privateKey: string },
  fields: {
    agentId: string;
    type: CommandType;
    params?: Record<string, unknown>;
    id?: string;
    issuedAt?: Date;
    expiresAt?: Date;
  },
): CommandMessage {
  const issuedAt = fields.issuedAt ?? new Date();
  return signCommand(
    {
      id: fields.id ?? randomUUID(),
      agentId: fields.agentId,
      type: fields.type,
      params: fields.params ?? {},
      issuedAt: issuedAt.toISOString(),
      expiresAt: (fields.expiresAt ?? new Date(issuedAt.getTime() + 600_000)).toISOString(),
      attempt: 1,
      keyId: key.keyId,
    },
    key.privateKey,
  );
}
