import { randomUUID } from 'node:crypto';
import type { ContainerInventoryItem, ScanPackage } from '../../../../broker/protocol/index.js';
import type { RedflagConfig } from '../../../../core/config/index.js';
import { answeringAgent, type Responder } from '../../../helpers/answering-agent.js';
import { dockerScan } from '../../../helpers/containers.js';
import { startTestCore, type TestCore } from '../../../helpers/core.js';
import { type AgentIdentity, envelope, publishUp, registerSimAgent } from '../../../helpers/sim-agent.js';

/** A whole core on PGlite with the homeassistant plugin pointed at `brokerUrl`. */
export function startCoreWithHa(
  brokerUrl: string,
  settings: Record<string, unknown> = {},
  opts: {
    dataDir?: string;
    secrets?: Record<string, string>;
    overrides?: (config: RedflagConfig) => void;
  } = {},
): Promise<TestCore> {
  return startTestCore('PGlite', (config) => {
    config.plugins.enabled = ['homeassistant'];
    config.plugins.config = {
      homeassistant: {
        brokerUrl,
        rediscoveryMaxDelayMs: 50,
        coalesceMs: 50,
        minIntervalMs: 100,
        reconnectMs: 200,
        panelUrl: 'http://redflag.lan:8080',
        ...settings,
      },
    };
    if (opts.secrets) config.plugins.secrets = { homeassistant: opts.secrets };
    if (opts.dataDir) config.dataDir = opts.dataDir;
    opts.overrides?.(config);
  });
}

export type Host = Awaited<ReturnType<typeof addHost>>;

/** A registered host speaking the real protocol, answering the commands it has responders for. */
export async function addHost(
  core: TestCore,
  answers: Partial<Record<string, Responder>> = {},
  hostname = `host-${randomUUID().slice(0, 6)}`,
) {
  const identity: AgentIdentity = (
    await registerSimAgent(core.httpUrl, await core.createToken(1), { hostname })
  ).identity!;
  const agent = await answeringAgent(core, identity, answers);
  return {
    identity,
    agentId: identity.agentId,
    hostname,
    agent,
    /** A complete scan through the normal path (MQTT `up/scan`), resolved when the core receipted it. */
    async scan(plugin: string, packages: ScanPackage[]): Promise<void> {
      const now = new Date().toISOString();
      const message = {
        ...envelope(),
        batchId: randomUUID(),
        plugin,
        complete: true,
        startedAt: now,
        finishedAt: now,
        packages,
      };
      await publishUp(agent.client, identity, 'scan', message);
      await agent.down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === message.id, 30_000);
    },
    /**
     * A docker scan as the Docker plugin sends it: the host's whole container inventory, and a
     * record for each outdated container's image (test/helpers/containers.ts).
     */
    async containers(items: ContainerInventoryItem[]): Promise<void> {
      const message = dockerScan(items);
      await publishUp(agent.client, identity, 'scan', message);
      await agent.down.waitFor((m) => m.type === 'receipt' && m.payload.ackOf === message.id, 30_000);
    },
    async progress(commandId: string, seq: number, percent: number): Promise<void> {
      await publishUp(agent.client, identity, 'progress', {
        ...envelope(),
        commandId,
        seq,
        stream: 'stdout',
        line: `progress ${percent}%`,
        percent,
      });
    },
  };
}
