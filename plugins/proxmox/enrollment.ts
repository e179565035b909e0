import { randomUUID } from 'node:crypto';
import {
  isPluginError,
  type JsonSchema,
  type Logger,
  type PluginDatabase,
  type ProcessRunner,
  type RegistrationTokens,
} from '../sdk/index.js';
import type {
  ProxmoxEnrollmentOutcome as EnrollmentOutcome,
  ProxmoxEnrollmentResult as EnrollmentResult,
  ProxmoxEnrollmentRun,
  ProxmoxEnrollmentScope as EnrollmentScope,
} from '../../broker/protocol/api-types.js';
import type { GuestRow, NodeRow } from './inventory.js';
import { runOverSsh, SSH_FAILED } from './ssh.js';

export interface EnrollmentSettings {
  sshUser: string;
  sshPort: number;
  /** Per node: its pinned host key, and the address to reach it when not its cluster IP. */
  nodes: Record<string, { hostKey: string; host?: string }>;
  timeoutSeconds: number;
}

/** The API's shapes (broker/protocol/api/proxmox.ts), under the names this file uses. */
export type {
  ProxmoxEnrollmentOutcome as EnrollmentOutcome,
  ProxmoxEnrollmentResult as EnrollmentResult,
  ProxmoxEnrollmentScope as EnrollmentScope,
} from '../../broker/protocol/api-types.js';

/**
 * What runs in the container (`pct exec <vmid> -- sh -s`, the script on stdin): checks first
 * for what the install needs, so each failure says which, then the core's one-line install,
 * then that the agent's config is there (a download that failed leaves `sh` with nothing to do).
 */
export function enrollScript(install: string): string {
  return [
    'set -u',
    "if [ -e /etc/redflag/agent.json ]; then echo 'redflag-enroll: already installed'; exit 0; fi",
    "command -v curl >/dev/null 2>&1 || { echo 'redflag-enroll: no curl in the container' >&2; exit 65; }",
    'if ! command -v node >/dev/null 2>&1 && ! command -v nodejs >/dev/null 2>&1; then',
    '  found=',
    '  for pm in apt-get dnf yum zypper pacman apk; do command -v $pm >/dev/null 2>&1 && found=$pm; done',
    '  [ -n "$found" ] || { echo \'redflag-enroll: no Node.js and no package manager to install it\' >&2; exit 66; }',
    'fi',
    `${install} || { rc=$?; echo "redflag-enroll: the install failed (exit $rc)" >&2; exit 68; }`,
    "[ -e /etc/redflag/agent.json ] || { echo 'redflag-enroll: the install did not complete' >&2; exit 67; }",
    "echo 'redflag-enroll: installed'",
    '',
  ].join('\n');
}

const FAILURES: Record<number, string> = {
  65: 'no_curl',
  66: 'no_package_manager',
  67: 'install_incomplete',
  68: 'install_failed',
};

export const enrollmentSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    sshUser: { type: 'string', pattern: '^[a-z_][a-z0-9_.-]*$', default: 'root' },
    sshPort: { type: 'integer', minimum: 1, maximum: 65535, default: 22 },
    timeoutSeconds: { type: 'integer', minimum: 10, maximum: 3600, default: 600 },
    nodes: {
      type: 'object',
      default: {},
      description:
        'Per node name: its SSH host key (pinned) and, when not its cluster IP, the address to reach',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['hostKey'],
        properties: {
          hostKey: {
            type: 'string',
            pattern:
              '^(ssh-ed25519|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521|ssh-rsa) [A-Za-z0-9+/=]+',
          },
          host: { type: 'string', minLength: 1 },
        },
      },
    },
  },
};

export interface EnrollmentDeps {
  db: PluginDatabase;
  run: ProcessRunner;
  logger: Logger;
  tokens: RegistrationTokens;
  privateKey: string | undefined;
  settings: EnrollmentSettings;
}

/**
 * Enrollment into LXCs (issue 23 §5): for each running container without an agent, over SSH to
 * its node, `pct exec` runs the agent's install with a fresh single-seat registration token.
 * Stopped, template and already-enrolled containers are skipped; each failure is reported for
 * its container; a container enrolled before is not touched again, so a second run changes
 * nothing. Containers go one at a time: each install downloads and starts Node.js.
 */
export function createEnrollment(deps: EnrollmentDeps) {
  const { db } = deps;

  async function alreadyEnrolled(endpoint: string, vmid: number): Promise<boolean> {
    const rows = await db.query(
      `select 1 from proxmox_enrollments where endpoint = ? and vmid = ? and outcome = 'enrolled'`,
      [endpoint, vmid],
    );
    return rows.length > 0;
  }

  async function remember(runId: string, r: EnrollmentResult): Promise<void> {
    await db.query(
      `insert into proxmox_enrollments (run_id, endpoint, node, vmid, name, outcome, reason, code)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [runId, r.endpoint, r.node, r.vmid, r.name, r.outcome, r.reason, r.code],
    );
  }

  /** Runs still going in this process. */
  const running = new Set<string>();

  async function enroll(
    scope: EnrollmentScope,
    guests: GuestRow[],
    nodes: NodeRow[],
    signal?: AbortSignal,
    runId: string = randomUUID(),
  ): Promise<EnrollmentResult[]> {
    const chosen = guests.filter(
      (g) =>
        g.type === 'lxc' &&
        !g.goneAt &&
        (scope.endpoint === undefined || g.endpoint === scope.endpoint) &&
        (scope.node === undefined || g.node === scope.node) &&
        (scope.vmid === undefined || g.vmid === scope.vmid),
    );
    const results: EnrollmentResult[] = [];
    for (const guest of chosen) {
      const node = nodes.find((n) => n.endpoint === guest.endpoint && n.name === guest.node);
      const result = await enrollOne(guest, node, signal);
      await remember(runId, result);
      deps.logger[result.outcome === 'failed' ? 'warn' : 'info'](
        `enrollment of ${guest.endpoint}/${guest.vmid} (${guest.name}): ${result.outcome}, ${result.reason}`,
        { code: result.code },
      );
      results.push(result);
    }
    return results;
  }

  async function enrollOne(
    guest: GuestRow,
    node: NodeRow | undefined,
    signal?: AbortSignal,
  ): Promise<EnrollmentResult> {
    const base = { endpoint: guest.endpoint, node: guest.node, vmid: guest.vmid, name: guest.name };
    const skip = (reason: string): EnrollmentResult => ({ ...base, outcome: 'skipped', reason, code: null });
    const fail = (code: string, reason: string): EnrollmentResult => ({
      ...base,
      outcome: 'failed',
      reason,
      code,
    });
    if (guest.template) return skip('a template');
    if (guest.status !== 'running') return skip(`${guest.status}, not running`);
    if (guest.agentId) return skip('already has an agent');
    if (await alreadyEnrolled(guest.endpoint, guest.vmid))
      return skip('enrolled before; waiting for its agent');
    const nodeSettings = deps.settings.nodes[guest.node];
    if (!nodeSettings)
      return fail(
        'no_host_key',
        `no SSH host key pinned for node ${guest.node} (enrollment.nodes.${guest.node}.hostKey)`,
      );
    const host = nodeSettings.host ?? node?.ip;
    if (!host)
      return fail('no_address', `no address for node ${guest.node} (enrollment.nodes.${guest.node}.host)`);
    if (!deps.privateKey)
      return fail('no_ssh_key', 'no SSH private key (plugins.secrets.proxmox.ssh.privateKey)');

    let issued: { token: string; install: string };
    try {
      issued = await deps.tokens.createSingleSeat(`proxmox ${guest.endpoint}/${guest.vmid} (${guest.name})`);
    } catch (err) {
      if (!isPluginError(err)) throw err;
      return fail(err.code, err.message);
    }
    const { token, install } = issued;
    const hide = (text: string) => text.split(token).join('[token]');
    const result = await runOverSsh(
      deps.run,
      { host, port: deps.settings.sshPort, user: deps.settings.sshUser, hostKey: nodeSettings.hostKey },
      deps.privateKey,
      `pct exec ${guest.vmid} -- sh -s`,
      { input: enrollScript(install), timeoutMs: deps.settings.timeoutSeconds * 1000, signal },
    );
    const said = hide(
      [...result.stderr, ...result.stdout]
        .filter((l) => l.trim())
        .slice(-4)
        .join(' | '),
    );
    if (result.timedOut) return fail('timeout', `no end within ${deps.settings.timeoutSeconds} s`);
    if (result.spawnError) return fail('no_ssh_client', `cannot run ssh: ${result.spawnError}`);
    if (result.exitCode === 0)
      return result.stdout.some((l) => l.includes('already installed'))
        ? skip('an agent is installed there already')
        : { ...base, outcome: 'enrolled', reason: 'agent installed', code: null };
    if (result.exitCode === SSH_FAILED)
      return fail(
        'ssh_failed',
        `ssh to ${deps.settings.sshUser}@${host}:${deps.settings.sshPort} failed: ${said}`,
      );
    // What the container said tells more than the exit code: curl's network errors, Node.js.
    const code = /curl: \((6|7|28|35)\)/.test(said)
      ? 'no_network'
      : /Node\.js/.test(said) && result.exitCode === 68
        ? 'no_nodejs'
        : (FAILURES[result.exitCode ?? -1] ?? 'install_failed');
    return fail(code, `exit ${result.exitCode}: ${said || 'no output'}`);
  }

  return {
    enroll,
    /**
     * Starts a run in the background (an install takes minutes, longer than a route may) and
     * returns its id; `report(id)` follows it.
     */
    start(scope: EnrollmentScope, guests: GuestRow[], nodes: NodeRow[], signal: AbortSignal): string {
      const runId = randomUUID();
      running.add(runId);
      void enroll(scope, guests, nodes, signal, runId)
        .catch((err: unknown) =>
          deps.logger.error(
            `enrollment run ${runId} stopped: ${err instanceof Error ? err.message : String(err)}`,
          ),
        )
        .finally(() => running.delete(runId));
      return runId;
    },
    async report(runId: string): Promise<ProxmoxEnrollmentRun> {
      const rows = await db.query(
        `select endpoint, node, vmid, name, outcome, reason, code from proxmox_enrollments
          where run_id = ? order by id`,
        [runId],
      );
      return {
        runId,
        done: !running.has(runId),
        results: rows.map((r) => ({
          endpoint: String(r.endpoint),
          node: String(r.node),
          vmid: Number(r.vmid),
          name: String(r.name),
          outcome: r.outcome as EnrollmentOutcome,
          reason: String(r.reason),
          code: (r.code as string | null) ?? null,
        })),
      };
    },
  };
}
