import type { Command } from 'commander';
import { type CommonFlags, fail } from './common.js';
import type { ManageFn } from './manage-operation.js';
import { iso, print, table } from './output.js';

/** The password from stdin, without its trailing newline: never an argument (visible in `ps` and shell history). */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY)
    fail('--password-stdin reads the password from a pipe, e.g. `echo "$PW" | redflag …`');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (!password) fail('no password on stdin');
  return password;
}

const ROLE_HELP = 'admin, operator (approve, install, scan) or viewer (read)';

/** `redflag user …` and `redflag apitoken …` (issue 5). */
export function addAccessCommands(program: Command, common: (cmd: Command) => Command, manage: ManageFn) {
  const user = program.command('user').description('people who sign in to the panel and API');

  common(user.command('add').description('add a user'))
    .requiredOption('-u, --username <name>', 'user name')
    .requiredOption('-r, --role <role>', ROLE_HELP)
    .requiredOption('--password-stdin', 'read the password from stdin')
    .option('--json', 'print the user as JSON')
    .action(async (flags: CommonFlags & { username: string; role: string; json?: boolean }) => {
      const password = await readPassword();
      const created = (await manage(flags, 'userAdd', {
        body: { username: flags.username, password, role: flags.role },
      })) as { id: string; username: string; role: string };
      print(flags.json, created, () => `user ${created.username} added (${created.role}, id ${created.id})`);
    });

  common(user.command('passwd').description("set a user's password (ends their sessions)"))
    .requiredOption('-u, --username <name>', 'user name')
    .requiredOption('--password-stdin', 'read the new password from stdin')
    .action(async (flags: CommonFlags & { username: string }) => {
      const password = await readPassword();
      await manage(flags, 'userPasswd', { body: { username: flags.username, password } });
      console.log(`password of ${flags.username} changed; their sessions have ended`);
    });

  common(user.command('role').description("change a user's role (never the last enabled admin's)"))
    .requiredOption('-u, --username <name>', 'user name')
    .requiredOption('-r, --role <role>', ROLE_HELP)
    .option('--json', 'print the user as JSON')
    .action(async (flags: CommonFlags & { username: string; role: string; json?: boolean }) => {
      const changed = (await manage(flags, 'userUpdate', {
        body: { username: flags.username, role: flags.role },
      })) as { username: string; role: string };
      print(flags.json, changed, () => `${changed.username} is now ${changed.role}`);
    });

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const)
    common(
      user
        .command(name)
        .description(
          disabled
            ? 'disable a user: their sessions end, their API tokens stop working (never the last enabled admin)'
            : 'let a disabled user sign in again',
        ),
    )
      .requiredOption('-u, --username <name>', 'user name')
      .option('--json', 'print the user as JSON')
      .action(async (flags: CommonFlags & { username: string; json?: boolean }) => {
        const changed = (await manage(flags, 'userUpdate', {
          body: { username: flags.username, disabled },
        })) as { username: string };
        print(flags.json, changed, () => `${changed.username} ${disabled ? 'disabled' : 'enabled'}`);
      });

  common(user.command('list').description('list users'))
    .option('--json', 'print as JSON')
    .action(async (flags: CommonFlags & { json?: boolean }) => {
      const users = (await manage(flags, 'userList')) as Array<Record<string, unknown>>;
      print(flags.json, users, () =>
        users.length === 0
          ? 'no users yet'
          : table([
              ['USERNAME', 'ROLE', 'DISABLED', 'CREATED', 'LAST LOGIN'],
              ...users.map((u) => [
                String(u.username),
                String(u.role),
                u.disabled ? 'yes' : 'no',
                iso(u.createdAt),
                iso(u.lastLoginAt),
              ]),
            ]),
      );
    });

  const apitoken = program.command('apitoken').description('bearer tokens for scripts');

  common(apitoken.command('create').description('create an API token and print it (shown only now)'))
    .requiredOption('-n, --name <name>', 'what the token is for')
    .requiredOption('-r, --role <role>', ROLE_HELP)
    .option('--json', 'print {"token", "id", …} as JSON')
    .action(async (flags: CommonFlags & { name: string; role: string; json?: boolean }) => {
      const created = (await manage(flags, 'apiTokenCreate', {
        body: { name: flags.name, role: flags.role },
      })) as { token: string; id: string; role: string };
      print(flags.json, created, () =>
        [
          `API token (shown only now): ${created.token}`,
          `id ${created.id}, role ${created.role}; send it as "Authorization: Bearer <token>"`,
        ].join('\n'),
      );
    });

  common(apitoken.command('list').description('list API tokens'))
    .option('--json', 'print as JSON')
    .action(async (flags: CommonFlags & { json?: boolean }) => {
      const tokens = (await manage(flags, 'apiTokenList')) as Array<Record<string, unknown>>;
      print(flags.json, tokens, () =>
        tokens.length === 0
          ? 'no API tokens'
          : table([
              ['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'REVOKED'],
              ...tokens.map((t) => [
                String(t.id),
                String(t.name),
                String(t.role),
                iso(t.createdAt),
                iso(t.lastUsedAt),
                iso(t.revokedAt),
              ]),
            ]),
      );
    });

  common(apitoken.command('revoke').description('revoke an API token: it answers 401 from now on'))
    .argument('<id>', 'token id (from `redflag apitoken list`)')
    .action(async (id: string, flags: CommonFlags) => {
      await manage(flags, 'apiTokenRevoke', { params: { id } });
      console.log(`API token ${id} revoked`);
    });
}
