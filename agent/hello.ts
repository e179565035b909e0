import type { Logger } from 'pino';
import type { HelloMessage } from '../broker/protocol/index.js';
import type { HostInfo } from './identity/host-info.js';
import { machineIdHash } from './identity/host-info.js';
import { envelope } from './protocol/envelope.js';
import { AGENT_VERSION } from './version.js';

export interface HelloSource {
  host: HostInfo;
  capabilities(): Array<{ name: string; version: string; kind: string }>;
  /** The command types this agent has a handler for (its handler registry's keys). */
  commandTypes(): string[];
  machineIdFile(): string;
  configRevision(): number;
  rebootRequired(): boolean;
  logger: Logger;
}

/**
 * The `hello` sent on every connect (docs/protocol.md): what the host is, which package
 * managers it has, which command types it runs, and the current machine id hash, read again
 * each time, so a cloned host shows up at the core as a different machine under the same
 * identity.
 */
export function helloBuilder(source: HelloSource): () => HelloMessage {
  return () => {
    let machine: string | undefined;
    try {
      machine = machineIdHash(source.machineIdFile());
    } catch (err) {
      source.logger.warn({ err, component: 'agent' }, 'machine id unreadable; hello goes without it');
    }
    const { host } = source;
    return {
      ...envelope(),
      agentVersion: AGENT_VERSION,
      os: host.os,
      arch: host.arch.slice(0, 32),
      hostname: host.hostname,
      capabilities: source.capabilities().slice(0, 64),
      commandTypes: source.commandTypes(),
      ...(host.bootId ? { bootId: host.bootId } : {}),
      rebootRequired: source.rebootRequired(),
      ...(machine ? { machineIdHash: machine } : {}),
      configRevision: source.configRevision(),
    };
  };
}
