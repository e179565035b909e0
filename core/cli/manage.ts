import type { Command } from 'commander';
import { type CommonFlags, parsePositiveInteger } from './common.js';
import { addAccessCommands } from './access.js';
import { manage } from './manage-operation.js';
import { iso, print, table } from './output.js';

export function addManagementCommands(program: Command, common: (cmd: Command) => Command) {
  const token = program.command('token').description('registration tokens agents enrol with');

  common(token.command('create').description('create a token and print it with the install command'))
    .requiredOption('-l, --label <label>', 'what the token is for (shown in listings)')
    .option('-s, --seats <n>', 'how many agents may register with it', parsePositiveInteger, 1)
    .option('-e, --expires <duration>', 'lifetime: 30m, 12h, 7d, 2w', '7d')
    .option('--json', 'print {"token", "install", …} as JSON')
    .action(
      async (flags: CommonFlags & { label: string; seats: number; expires: string; json?: boolean }) => {
        const created = (await manage(flags, 'tokenCreate', {
          body: { label: flags.label, seats: flags.seats, expires: flags.expires },
        })) as { token: string; install: string; seatsTotal: number; expiresAt: string };
        print(flags.json, created, () =>
          [
            `Token (shown only now): ${created.token}`,
            `Seats: ${created.seatsTotal}, expires ${iso(created.expiresAt)}`,
            'Run on each host to enrol:',
            `  ${created.install}`,
          ].join('\n'),
        );
      },
    );

  common(token.command('list').description('list tokens with seats used and expiry'))
    .option('--json', 'print as JSON')
    .action(async (flags: CommonFlags & { json?: boolean }) => {
      const tokens = (await manage(flags, 'tokenList')) as Array<Record<string, unknown>>;
      print(flags.json, tokens, () =>
        tokens.length === 0
          ? 'no registration tokens'
          : table([
              ['ID', 'LABEL', 'SEATS', 'EXPIRES', 'REVOKED'],
              ...tokens.map((t) => [
                String(t.id),
                String(t.label),
                `${String(t.seatsUsed)}/${String(t.seatsTotal)}`,
                iso(t.expiresAt),
                iso(t.revokedAt),
              ]),
            ]),
      );
    });

  common(token.command('revoke').description('revoke a token: no further registrations with it'))
    .argument('<id>', 'token id (from `redflag token list`)')
    .action(async (id: string, flags: CommonFlags) => {
      await manage(flags, 'tokenRevoke', { params: { id } });
      console.log(`token ${id} revoked`);
    });

  const agent = program.command('agent').description('enrolled agents');

  common(agent.command('list').description('list agents'))
    .option('--json', 'print as JSON')
    .action(async (flags: CommonFlags & { json?: boolean }) => {
      const agents = (await manage(flags, 'agentList')) as Array<Record<string, unknown>>;
      print(flags.json, agents, () =>
        agents.length === 0
          ? 'no agents enrolled'
          : table([
              ['ID', 'HOSTNAME', 'STATUS', 'ONLINE', 'VERSION', 'LAST SEEN'],
              ...agents.map((a) => [
                String(a.id),
                String(a.hostname),
                a.identityConflict ? `${String(a.status)}, identity conflict` : String(a.status),
                a.online ? 'yes' : 'no',
                String(a.agentVersion),
                iso(a.lastSeenAt),
              ]),
            ]),
      );
    });

  common(agent.command('revoke').description('revoke an agent and close its connection at once'))
    .argument('<id>', 'agent id')
    .action(async (id: string, flags: CommonFlags) => {
      await manage(flags, 'agentRevoke', { params: { id } });
      console.log(`agent ${id} revoked`);
    });

  common(
    agent
      .command('rebind')
      .description(
        'lift an identity conflict and bind the agent to a machine; its machine may also register again and keep its id',
      ),
  )
    .argument('<id>', 'agent id')
    .option('--hours <n>', 'how long the machine may re-register', parsePositiveInteger, 24)
    .option(
      '--machine-id-hash <sha256>',
      'bind to this machine (`sha256sum /etc/machine-id` on it); without it the next host to connect binds',
    )
    .action(async (id: string, flags: CommonFlags & { hours: number; machineIdHash?: string }) => {
      const out = (await manage(flags, 'agentRebind', {
        params: { id },
        body: { hours: flags.hours, ...(flags.machineIdHash ? { machineIdHash: flags.machineIdHash } : {}) },
      })) as { rebindAllowedUntil: string; machine: string | null; conflictLifted: boolean };
      if (out.conflictLifted) console.log(`agent ${id}: identity conflict lifted, it may connect again`);
      console.log(
        out.machine
          ? `agent ${id} is bound to machine ${out.machine}…`
          : `agent ${id} binds to the machine of the next host that connects with its key (stop or wipe a clone first)`,
      );
      console.log(`its machine may re-register until ${iso(out.rebindAllowedUntil)}`);
    });

  addAccessCommands(program, common, manage);

  const keys = program.command('keys').description('server signing keys');

  common(keys.command('list').description('list signing keys'))
    .option('--json', 'print as JSON')
    .action(async (flags: CommonFlags & { json?: boolean }) => {
      const list = (await manage(flags, 'keyList')) as Array<Record<string, unknown>>;
      print(flags.json, list, () =>
        table([
          ['KEY ID', 'CREATED', 'ACTIVE', 'VERIFIES', 'RETIRES'],
          ...list.map((k) => [
            String(k.keyId),
            iso(k.createdAt),
            k.active ? 'yes' : 'no',
            k.verifies ? 'yes' : 'no',
            iso(k.retiresAt),
          ]),
        ]),
      );
    });

  common(keys.command('rotate').description('sign with a new key; the old one verifies for the overlap'))
    .option('--json', 'print as JSON')
    .action(async (flags: CommonFlags & { json?: boolean }) => {
      const out = (await manage(flags, 'keyRotate')) as {
        keyId: string;
        previousKeyId: string;
        previousRetiresAt: string;
      };
      print(
        flags.json,
        out,
        () =>
          `now signing with ${out.keyId}; ${out.previousKeyId} verifies until ${iso(out.previousRetiresAt)}`,
      );
    });
}
