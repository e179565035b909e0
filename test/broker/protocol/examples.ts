import type {
  AckMessage,
  CommandMessage,
  ConfigMessage,
  ContainerInventoryItem,
  EventMessage,
  HelloMessage,
  MessageByType,
  MessageType,
  MetricsMessage,
  PresenceMessage,
  ProgressMessage,
  ReceiptMessage,
  ResultMessage,
  ScanMessage,
  ScanPackage,
} from '../../../broker/protocol/index.js';

/**
 * Typed examples of every message: `maximal` sets every optional field, `minimal` only what the
 * TypeScript type requires. `satisfies` makes the compiler check them against the types; the
 * tests check them against the schemas, so a type and its schema cannot drift apart.
 */

const AGENT = 'c1e1fac8-e8b3-4e42-a2b7-11052ea6861b';
const COMMAND = 'c56d28af-60ef-4f66-9637-615257579d97';
const envelope = (n: number) => ({
  v: 1 as const,
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  ts: '2026-11-23T18:00:00.000Z',
});

export const aptPackage = {
  plugin: 'apt',
  name: 'openssl',
  currentVersion: '3.0.14-1~deb12u2',
  availableVersion: '3.0.15-1~deb12u1',
  severity: 'high',
  source: 'bookworm-security',
  security: true,
  metadata: {},
} satisfies ScanPackage;

const dockerPackage = {
  ...aptPackage,
  plugin: 'docker',
  name: 'jellyfin',
  arch: 'amd64',
  rebootRequired: false,
  metadata: { labels: { 'org.opencontainers.image.version': '10.10.3' } },
  image: 'jellyfin/jellyfin',
  tag: 'latest',
  containerIds: ['0c2f6a9e1b7d'],
  localDigests: [`sha256:${'a'.repeat(64)}`],
  remoteDigest: `sha256:${'b'.repeat(64)}`,
  platform: 'linux/amd64',
} satisfies Required<ScanPackage>;

/** A container of the docker plugin's inventory, every field set (issue 24 §5). */
export const inventoryItem = {
  id: '0c2f6a9e1b7d'.padEnd(64, '0'),
  name: 'jellyfin',
  reference: 'docker.io/jellyfin/jellyfin:latest',
  image: 'docker.io/jellyfin/jellyfin',
  tag: 'latest',
  imageId: 'c'.repeat(64),
  localDigests: [`sha256:${'a'.repeat(64)}`],
  remoteDigest: `sha256:${'b'.repeat(64)}`,
  checkStatus: 'check_failed',
  checkReason: 'registry timed out',
  state: 'running',
  health: 'healthy',
  composeProject: 'media',
  composeService: 'jellyfin',
  platform: 'linux/amd64',
} satisfies Required<ContainerInventoryItem>;

export const maximal = {
  hello: {
    ...envelope(1),
    agentVersion: '0.1.0',
    os: { id: 'debian', name: 'Debian GNU/Linux 12 (bookworm)', version: '12', kernel: '6.8.12-4-pve' },
    arch: 'x86_64',
    hostname: 'media-lxc',
    capabilities: [{ name: 'apt', version: '0.1.0', kind: 'package-manager' }],
    commandTypes: ['scan', 'dry_run', 'install', 'reboot', 'cancel', 'set_config', 'update_agent'],
    bootId: '4b6f0a2e-5c1d-4d3e-9f7a-0e1b2c3d4e5f',
    rebootRequired: true,
    machineIdHash: 'f'.repeat(64),
    configRevision: 0,
  },
  scan: {
    ...envelope(2),
    batchId: '00000000-0000-4000-8000-00000000000a',
    plugin: 'docker',
    complete: false,
    startedAt: '2026-11-23T18:00:00Z',
    finishedAt: '2026-11-23T18:00:05+01:00',
    packages: [dockerPackage],
    error: 'registry timed out',
    holds: ['linux-image-amd64'],
  },
  progress: { ...envelope(3), commandId: COMMAND, seq: 0, stream: 'status', line: '', percent: 100 },
  result: {
    ...envelope(4),
    commandId: COMMAND,
    status: 'failed',
    startedAt: '2026-11-23T18:00:00Z',
    finishedAt: '2026-11-23T18:00:10Z',
    exitCode: 1,
    error: 'dpkg failed',
    output: 'done\n',
    data: { upgraded: ['openssl'] },
  },
  ack: {
    ...envelope(5),
    commandId: COMMAND,
    accepted: false,
    reason: 'unknown_type',
    detail: 'no docker here',
  },
  event: {
    ...envelope(6),
    type: 'agent.migration',
    subtype: 'config',
    severity: 'warning',
    message: 'migrated',
    metadata: { from: 1 },
  },
  metrics: {
    ...envelope(7),
    uptimeSec: 12.5,
    load: [0, 0.5, 1],
    memory: { totalBytes: 1024, availableBytes: 512 },
    disks: [{ mount: 'C:\\', totalBytes: 100, freeBytes: 0 }],
  },
  command: {
    ...envelope(8),
    agentId: AGENT,
    type: 'restart_container',
    params: { container: '0c2f6a9e1b7d' },
    issuedAt: '2026-11-23T18:00:00Z',
    expiresAt: '2026-11-23T19:00:00Z',
    attempt: 2,
    keyId: 'J0REbXD0XSoamcixn5CCJw',
    signature: `${'A'.repeat(86)}==`,
  },
  receipt: {
    ...envelope(9),
    ackOf: '00000000-0000-4000-8000-000000000002',
    type: 'result',
    status: 'rejected',
    reason: 'unknown command',
  },
  config: {
    ...envelope(10),
    revision: 1,
    schedules: { apt: { enabled: false, intervalSeconds: 60 } },
    pluginSettings: { apt: { proxy: null } },
  },
  presence: { v: 1, online: true, ts: '2026-11-23T18:00:00Z', agentVersion: '0.1.0' },
} satisfies { [K in MessageType]: MessageByType[K] };

/**
 * Fields no single message can show with the others: a scan with an inventory has no error.
 * The typed examples' coverage counts these too.
 */
export const more: { [K in MessageType]?: Array<MessageByType[K]> } = {
  scan: [
    {
      ...envelope(20),
      batchId: '00000000-0000-4000-8000-00000000000c',
      plugin: 'docker',
      complete: true,
      startedAt: '2026-11-23T18:00:00Z',
      finishedAt: '2026-11-23T18:00:05Z',
      packages: [],
      containers: [inventoryItem],
    },
  ],
};

export const minimal = {
  hello: {
    ...envelope(11),
    agentVersion: '0.1.0',
    os: { id: 'windows', name: 'Windows 11 Pro', version: '' },
    arch: 'AMD64',
    hostname: 'desk',
    capabilities: [],
  } satisfies HelloMessage,
  scan: {
    ...envelope(12),
    batchId: '00000000-0000-4000-8000-00000000000b',
    plugin: 'apt',
    complete: true,
    startedAt: '2026-11-23T18:00:00Z',
    finishedAt: '2026-11-23T18:00:05Z',
    packages: [aptPackage],
  } satisfies ScanMessage,
  progress: {
    ...envelope(13),
    commandId: COMMAND,
    seq: 1,
    stream: 'stderr',
    line: 'x',
  } satisfies ProgressMessage,
  result: {
    ...envelope(14),
    commandId: COMMAND,
    status: 'cancelled',
    startedAt: '2026-11-23T18:00:00Z',
    finishedAt: '2026-11-23T18:00:10Z',
  } satisfies ResultMessage,
  ack: { ...envelope(15), commandId: COMMAND, accepted: true } satisfies AckMessage,
  event: {
    ...envelope(16),
    type: 'plugin.failed',
    severity: 'error',
    message: 'apt crashed',
  } satisfies EventMessage,
  metrics: {
    ...envelope(17),
    uptimeSec: 0,
    load: [0, 0, 0],
    memory: { totalBytes: 0, availableBytes: 0 },
  } satisfies MetricsMessage,
  command: { ...maximal.command, params: {} } satisfies CommandMessage,
  receipt: { ...envelope(18), ackOf: COMMAND, type: 'event', status: 'duplicate' } satisfies ReceiptMessage,
  config: { ...envelope(19), revision: 7, schedules: {}, pluginSettings: {} } satisfies ConfigMessage,
  presence: { v: 1, online: false } satisfies PresenceMessage,
} satisfies { [K in MessageType]: MessageByType[K] };
