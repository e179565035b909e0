import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import {
  type AgentIdentity,
  connectAgent,
  envelope,
  helloMessage,
  listenDown,
  publishUp,
  registerSimAgent,
} from '../helpers/sim-agent.js';
import type { PanelCore } from './panel-core.js';

export interface SeededHost {
  hostname: string;
  identity: AgentIdentity;
  client: MqttClient | null;
  down: Awaited<ReturnType<typeof listenDown>> | null;
}

interface HostSpec {
  hostname: string;
  /** Connects over MQTT and says hello; else it stays registered and offline. */
  online: boolean;
  packages?: Array<{
    plugin: string;
    name: string;
    severity: string;
    security?: boolean;
    metadata?: object;
    /** Beside the record's fields, as the docker plugin sends image, tag, containerIds, digests. */
    fields?: Record<string, unknown>;
  }>;
  /** Written the way the Proxmox integration will (metadata.proxmox), through the real repository. */
  proxmox?: { cluster?: string; node: string; kind: 'node' | 'lxc' | 'qemu'; vmid?: number };
}

/** Hosts over the real protocol: registration, MQTT hello with apt (and docker), scans ingested. */
export async function seedFleet(pc: PanelCore, specs: HostSpec[]): Promise<SeededHost[]> {
  const token = await pc.core.createToken(specs.length, '1d');
  const hosts: SeededHost[] = [];
  for (const spec of specs) {
    const { identity } = await registerSimAgent(pc.core.httpUrl, token, { hostname: spec.hostname });
    if (!identity) throw new Error(`registering ${spec.hostname} failed`);
    if (!spec.online) {
      hosts.push({ hostname: spec.hostname, identity, client: null, down: null });
      continue;
    }
    const client = await connectAgent(pc.core.mqttUrl, identity);
    const down = await listenDown(client, identity);
    const plugins = [...new Set(['apt', ...(spec.packages ?? []).map((p) => p.plugin)])];
    const hello = {
      ...helloMessage(),
      hostname: spec.hostname,
      capabilities: plugins.map((name) => ({ name, version: '1.0.0', kind: 'package-manager' })),
      rebootRequired: spec.hostname.includes('reboot'),
    };
    await publishUp(client, identity, 'hello', hello);
    for (const plugin of plugins) {
      const now = new Date().toISOString();
      const scan = {
        ...envelope(),
        batchId: randomUUID(),
        plugin,
        complete: true,
        startedAt: now,
        finishedAt: now,
        packages: (spec.packages ?? [])
          .filter((p) => p.plugin === plugin)
          .map((p) => ({
            plugin,
            name: p.name,
            arch: plugin === 'apt' ? 'amd64' : 'linux/amd64',
            currentVersion: '1.0-1',
            availableVersion: '1.1-1',
            severity: p.severity,
            source: plugin === 'apt' ? 'bookworm-security' : 'docker.io',
            security: p.security ?? false,
            metadata: p.metadata ?? {},
            ...p.fields,
          })),
      };
      await publishUp(client, identity, 'scan', scan);
      await down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === scan.id);
    }
    await waitUntil(async () => {
      const agent = await pc.core.db.agents.findById(identity.agentId);
      return !!agent && agent.hostname === spec.hostname && agent.capabilities.length > 0;
    });
    if (spec.proxmox) await pc.core.db.agents.setOnline(identity.agentId, true, { proxmox: spec.proxmox });
    hosts.push({ hostname: spec.hostname, identity, client, down });
  }
  return hosts;
}

export async function closeFleet(hosts: SeededHost[]): Promise<void> {
  await Promise.all(hosts.map((h) => h.client?.endAsync()));
}

/** Polls a condition the core reaches asynchronously (an MQTT message processed). */
export async function waitUntil(
  check: () => Promise<boolean>,
  what = 'condition',
  limitMs = 15000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
