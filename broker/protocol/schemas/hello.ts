import {
  envelopeProperties,
  envelopeRequired,
  nonNegativeInteger,
  pluginName,
  text,
  word,
} from './common.js';

/** `up/hello`: sent after every connect; what the agent is and what it can do. Not spooled. */
export const helloSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'hello',
  type: 'object',
  additionalProperties: false,
  required: [...envelopeRequired, 'agentVersion', 'os', 'arch', 'hostname', 'capabilities'],
  properties: {
    ...envelopeProperties,
    agentVersion: text(64, 1),
    os: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name', 'version'],
      properties: {
        id: { ...word, description: 'os-release ID (`debian`, `ubuntu`, `alpine`) or `windows`.' },
        name: text(256, 1),
        version: text(128),
        kernel: text(256),
      },
    },
    arch: { ...text(32, 1), description: 'Host architecture as `uname -m` reports it.' },
    hostname: text(253, 1),
    capabilities: {
      type: 'array',
      maxItems: 64,
      description: 'Plugins available on this host.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'version', 'kind'],
        properties: {
          name: pluginName,
          version: text(64, 1),
          kind: { ...word, description: 'Plugin kind, as in plugins/sdk (`package-manager`).' },
        },
      },
    },
    commandTypes: {
      type: 'array',
      maxItems: 32,
      uniqueItems: true,
      description:
        'Command types this agent has a handler for (issue 21 §7); the core issues no other. ' +
        'Absent (older agents): the v1 baseline, `BASELINE_COMMAND_TYPES`. Words, not an enum, ' +
        'so a newer agent that runs a type this core does not know is still heard.',
      items: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,31}$' },
    },
    bootId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$', description: 'Changes on every boot.' },
    rebootRequired: { type: 'boolean' },
    machineIdHash: {
      type: 'string',
      pattern: '^[0-9a-f]{64}$',
      description: 'SHA-256 (hex) of /etc/machine-id or MachineGuid, as sent at registration.',
    },
    configRevision: { ...nonNegativeInteger, description: 'Revision of the last `config` applied; 0: none.' },
  },
} as const;
