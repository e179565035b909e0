import { randomUUID } from 'node:crypto';
import type { Database } from '../../core/db/index.js';

let machine = 0;

/**
 * An agent registered straight in the database, with a token of its own and a machine of its
 * own (no core, no HTTP), for tests of what the core stores about agents; its id.
 */
export async function registerAgentInDb(db: Database, hostname = `host-${machine + 1}`): Promise<string> {
  const tokenHash = `hash-${randomUUID()}`;
  await db.registration.createToken({
    tokenHash,
    label: 'test',
    seats: 1,
    expiresAt: new Date(Date.now() + 60_000),
    createdBy: null,
  });
  const outcome = await db.registration.register({
    tokenHash,
    publicKey: 'A'.repeat(43) + '=',
    machineIdHash: `${++machine}`.padStart(64, '0'),
    hostname,
    os: 'Debian 12',
    arch: 'x86_64',
    agentVersion: 'test',
    macAddresses: [],
    remoteAddress: null,
  });
  if (!outcome.ok) throw new Error(`could not register a test agent: ${outcome.reason}`);
  return outcome.agentId;
}
