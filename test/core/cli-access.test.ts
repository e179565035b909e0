import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv, freePort, REDFLAG_BIN, startRedflag, tempDir } from '../helpers/cli.js';

/** Runs `redflag …` with `stdin` piped in (passwords never go on the command line). */
function redflag(
  args: string[],
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [REDFLAG_BIN, ...args], { env: cleanEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** `redflag user …` and `redflag apitoken …`, with no core running and through a running one (issue 5). */
describe('redflag user and apitoken commands', function () {
  this.timeout(60000);
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  after(() => dir.remove());

  const rf = async (args: string[], stdin = '') => {
    const res = await redflag([...args, '--data-dir', dataDir], stdin);
    assert.equal(res.code, 0, `redflag ${args.join(' ')}: ${res.stderr}`);
    return res.stdout;
  };
  let token = '';
  let tokenId = '';

  it('add users and create API tokens with no core running', async () => {
    assert.equal((await redflag(['migrate', '--data-dir', dataDir])).code, 0);
    const added = JSON.parse(
      await rf(
        ['user', 'add', '--username', 'alice', '--password-stdin', '--role', 'admin', '--json'],
        'alice password\n',
      ),
    );
    assert.equal(added.username, 'alice');
    assert.equal(added.role, 'admin');
    const dup = await redflag(
      ['user', 'add', '--username', 'alice', '--password-stdin', '--role', 'viewer', '--data-dir', dataDir],
      'another password',
    );
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr, 'redflag: user alice already exists\n');
    const badRole = await redflag(
      ['user', 'add', '--username', 'bob', '--password-stdin', '--role', 'root', '--data-dir', dataDir],
      'bob password',
    );
    assert.equal(badRole.code, 1);
    assert.match(badRole.stderr, /role must be one of viewer, operator, admin/);

    const users = JSON.parse(await rf(['user', 'list', '--json']));
    assert.deepEqual(
      users.map((u: { username: string; role: string }) => [u.username, u.role]),
      [['alice', 'admin']],
    );
    assert.equal(JSON.stringify(users).includes('scrypt'), false, 'a user listing shows a password hash');

    const created = JSON.parse(
      await rf(['apitoken', 'create', '--name', 'ci', '--role', 'operator', '--json']),
    );
    assert.match(created.token, /^rfat_[A-Za-z0-9_-]{43}$/);
    token = created.token;
    tokenId = created.id;
    const listed = await rf(['apitoken', 'list', '--json']);
    assert.equal(listed.includes(token), false);
    assert.equal(JSON.parse(listed)[0].role, 'operator');
  });

  it('change roles, disable and enable users, never the last enabled admin', async () => {
    const last = await redflag(['user', 'role', '-u', 'alice', '-r', 'viewer', '--data-dir', dataDir]);
    assert.equal(last.code, 1);
    assert.equal(last.stderr, 'redflag: alice is the last enabled admin; make another user admin first\n');
    assert.equal((await redflag(['user', 'disable', '-u', 'alice', '--data-dir', dataDir])).code, 1);
    const unknown = await redflag(['user', 'role', '-u', 'nobody', '-r', 'viewer', '--data-dir', dataDir]);
    assert.equal(unknown.stderr, 'redflag: no user nobody\n');

    await rf(['user', 'add', '-u', 'bob', '--password-stdin', '-r', 'viewer'], 'bob password');
    assert.equal(await rf(['user', 'role', '-u', 'bob', '-r', 'operator']), 'bob is now operator\n');
    assert.equal(await rf(['user', 'disable', '-u', 'bob']), 'bob disabled\n');
    const listed = await rf(['user', 'list']);
    assert.match(listed, /bob\s+operator\s+yes/);
    const enabled = JSON.parse(await rf(['user', 'enable', '-u', 'bob', '--json']));
    assert.equal(enabled.disabled, false);
    assert.equal(enabled.role, 'operator');
  });

  it('work through a running core, whose answers and log never show the secrets', async () => {
    const core = await startRedflag([
      '--data-dir',
      dataDir,
      '--http-port',
      String(await freePort()),
      '--mqtt-port',
      String(await freePort()),
    ]);
    try {
      const auth = { authorization: `Bearer ${token}` };
      assert.equal((await fetch(`${core.url}/api/v1/agents`, { headers: auth })).status, 200);

      assert.match(
        await rf(['user', 'passwd', '--username', 'alice', '--password-stdin'], 'alice new password\n'),
        /password of alice changed/,
      );
      const login = await fetch(`${core.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice new password' }),
      });
      assert.equal(login.status, 200);

      // Through the core's admin socket too.
      assert.equal(await rf(['user', 'role', '-u', 'bob', '-r', 'viewer']), 'bob is now viewer\n');
      const last = await redflag(['user', 'disable', '-u', 'alice', '--data-dir', dataDir]);
      assert.match(last.stderr, /alice is the last enabled admin/);

      assert.match(await rf(['apitoken', 'revoke', tokenId]), /revoked/);
      assert.equal((await fetch(`${core.url}/api/v1/agents`, { headers: auth })).status, 401);
      const users = JSON.parse(await rf(['user', 'list', '--json']));
      assert.ok(users[0].lastLoginAt);

      // Users exist: no setup link.
      assert.equal(core.output().includes('rfsetup_'), false);
      for (const secret of [token, 'alice password', 'alice new password'])
        assert.equal(core.output().includes(secret), false, 'the core log shows a secret');
    } finally {
      core.child.kill('SIGTERM');
      await core.exited;
    }
  });

  it('a first start with no users prints a one-time setup link', async () => {
    const fresh = join(dir.path, 'fresh');
    const core = await startRedflag([
      '--data-dir',
      fresh,
      '--http-port',
      String(await freePort()),
      '--mqtt-port',
      String(await freePort()),
    ]);
    try {
      const link = /\/#\/setup\?token=(rfsetup_[A-Za-z0-9_-]{43})/.exec(core.output());
      assert.ok(link, core.output());
      // The link opens the panel, which reads the token from the fragment.
      const page = await fetch(`${core.url}/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.match(await page.text(), /<rf-app>/);
      const res = await fetch(`${core.url}/api/v1/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: link[1], username: 'first', password: 'first password' }),
      });
      assert.equal(res.status, 201);
    } finally {
      core.child.kill('SIGTERM');
      await core.exited;
    }
  });
});
