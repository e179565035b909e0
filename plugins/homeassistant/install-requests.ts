import { Ajv } from 'ajv';
import { type CorePluginContext, errorMessage } from '../sdk/index.js';
import type { HomeAssistantConfig, HomeAssistantSecrets } from './config.js';
import { PAYLOAD_INSTALL, PAYLOAD_PRESS } from './discovery.js';
import { APPROVABLE_STATUSES, readHost } from './host-view.js';

type Context = CorePluginContext<HomeAssistantConfig, HomeAssistantSecrets>;

/** The only payloads a command topic takes; the rest is ignored and recorded (issue 26 §1). */
const ajv = new Ajv({ strict: true });
const isInstall = ajv.compile<string>({ type: 'string', const: PAYLOAD_INSTALL });
const isPress = ajv.compile<string>({ type: 'string', const: PAYLOAD_PRESS });

const preview = (payload: Buffer) => {
  const text = payload.toString('utf8');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/**
 * What Home Assistant asks on a command topic: `install` from an update entity's dialog
 * approves that host's pending updates under the policies (the workflow's dry run, then the
 * install; holds stay held, maintenance windows apply), `PRESS` on the scan button asks for a
 * scan. One request per host at a time: a second install arriving while the first is being
 * approved finds nothing left to approve, so the same payload twice starts one install.
 */
export function createInstallRequests(ctx: Context, changed: (agentId: string) => void) {
  const queues = new Map<string, Promise<void>>();

  const record = (
    agentId: string,
    subtype: string,
    severity: 'info' | 'warning',
    message: string,
    metadata: Record<string, unknown>,
  ) =>
    ctx.events.record({
      subtype,
      severity,
      agentId,
      message,
      metadata: { source: 'homeassistant', ...metadata },
    });

  async function ignore(agentId: string, topic: string, payload: Buffer, why: string) {
    ctx.logger.warn(`ignored ${topic}: ${why}`);
    await record(
      agentId,
      'ha_command_ignored',
      'warning',
      `ignored a message from Home Assistant on ${topic}: ${why}`,
      {
        topic,
        payload: preview(payload),
      },
    );
  }

  async function install(agentId: string, entity: string, topic: string) {
    if (!ctx.config.allowInstall) {
      await record(
        agentId,
        'ha_install_refused',
        'warning',
        'Home Assistant asked for an install; installs from Home Assistant are off (allowInstall)',
        { topic },
      );
      return;
    }
    const agent = await ctx.fleet.agent(agentId);
    if (!agent || agent.status !== 'active')
      return ignore(agentId, topic, Buffer.from(PAYLOAD_INSTALL), 'no such host');
    const view = await readHost(ctx, agent);
    // A container's install is its image's docker record: the same for every container of it.
    const records =
      entity === 'os'
        ? view.packages
        : view.containers
            .filter((c) => `containers/${c.key}` === entity)
            .flatMap((c) => (c.container.update ? [{ ...c.container.update, agentId }] : []));
    const targets = records.filter((p) => APPROVABLE_STATUSES.has(p.status));
    if (targets.length === 0) {
      await record(
        agentId,
        'ha_install_nothing',
        'info',
        `Home Assistant asked to install on ${agent.hostname}: nothing waits for approval`,
        { topic, entity },
      );
      return;
    }
    const { approved, refused } = await ctx.updates.approve(targets);
    await record(
      agentId,
      'ha_install_requested',
      'info',
      `Home Assistant approved ${approved.length} update(s) on ${agent.hostname}` +
        (refused.length ? `, ${refused.length} refused` : ''),
      { topic, entity, approved: approved.map((a) => a.name), refused },
    );
    changed(agentId);
  }

  async function handle(agentId: string, entity: string, topic: string, payload: Buffer, retained: boolean) {
    // A retained command would install again on every reconnect: commands are never retained.
    if (retained) return ignore(agentId, topic, payload, 'a retained command is never acted on');
    const text = payload.toString('utf8');
    if (entity === 'scan') {
      if (!isPress(text)) return ignore(agentId, topic, payload, `expected ${PAYLOAD_PRESS}`);
      try {
        await ctx.commands.issue({ agentId, type: 'scan', params: {}, dedupKey: 'scan' });
      } catch (err) {
        await ignore(agentId, topic, payload, errorMessage(err));
      }
      return;
    }
    if (entity !== 'os' && !entity.startsWith('containers/'))
      return ignore(agentId, topic, payload, 'no such entity');
    if (!isInstall(text)) return ignore(agentId, topic, payload, `expected ${PAYLOAD_INSTALL}`);
    await install(agentId, entity, topic);
  }

  return {
    /** Serialised per host, in arrival order; never throws (a failure is recorded). */
    receive(
      agentId: string,
      entity: string,
      topic: string,
      payload: Buffer,
      retained: boolean,
    ): Promise<void> {
      const next = (queues.get(agentId) ?? Promise.resolve())
        .then(() => handle(agentId, entity, topic, payload, retained))
        .catch((err: unknown) => ignore(agentId, topic, payload, errorMessage(err)).catch(() => {}));
      queues.set(agentId, next);
      void next.then(() => {
        if (queues.get(agentId) === next) queues.delete(agentId);
      });
      return next;
    },
    /** Resolves when every request received so far has been handled. */
    async idle(): Promise<void> {
      await Promise.all([...queues.values()]);
    },
  };
}
