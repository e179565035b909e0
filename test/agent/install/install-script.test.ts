import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  createRegistrationToken,
  generateKeyPair,
  keyFingerprint,
  signAgentBundle,
} from '../../../broker/protocol/index.js';
import { tempDir } from '../../helpers/cli.js';
import { runInstallScript, startTamperingProxy } from '../helpers/install-run.js';
import { RestartableCore } from '../helpers/restartable-core.js';

const BUNDLE = '/api/v1/agent-bundle/redflag-agent.mjs';
const MANIFEST = '/api/v1/agent-bundle';

describe('install.sh (agent/install/install.sh) against a real core', function () {
  this.timeout(120_000);
  let core: RestartableCore;
  const dirs: Array<{ remove(): void }> = [];

  before(async function () {
    try {
      execFileSync('curl', ['--version'], { stdio: 'ignore' });
    } catch {
      if (process.env.CI === 'true') throw new Error('curl is missing (.ci/run installs it)');
      this.skip();
    }
    core = await RestartableCore.start();
  });
  after(async () => {
    await core?.close();
    for (const d of dirs) d.remove();
  });

  const scratch = () => {
    const dir = tempDir('rf-install-');
    dirs.push(dir);
    return dir.path;
  };
  const installed = (root: string) => join(root, 'opt/redflag-agent/redflag-agent.mjs');
  const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

  it('installs the verified bundle, registers the host, and a second run changes nothing', async () => {
    const root = scratch();
    const token = await core.createToken(1);
    const first = await runInstallScript(core.httpUrl, ['--token', token], root);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /bundle \S+ verified: SHA-256 matches, signed by server key/);

    const manifest = (await (await fetch(`${core.httpUrl}${MANIFEST}`)).json()) as { sha256: string };
    const bundle = readFileSync(installed(root));
    assert.equal(sha256(bundle), manifest.sha256, 'the installed file is the bundle the core signed');
    assert.equal(statSync(join(root, 'opt/redflag-agent/bin/redflag-agent')).mode & 0o777, 0o755);

    // Registered: the core knows the host, and the launcher runs the bundle with the scratch paths.
    const config = JSON.parse(readFileSync(join(root, 'etc/redflag/agent.json'), 'utf8')) as {
      identity: { agentId: string };
    };
    const agent = await core.core.db.agents.findById(config.identity.agentId);
    assert.equal(agent?.status, 'active');
    const status = execFileSync(join(root, 'usr/local/bin/redflag-agent'), ['status', '--json'], {
      encoding: 'utf8',
    });
    assert.equal(JSON.parse(status).agentId, config.identity.agentId);

    // The token had one seat: a second registration would fail, so success means it was skipped.
    const second = await runInstallScript(core.httpUrl, ['--token', token], root);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /already installed/);
    assert.match(second.stderr, /already registered/);
    assert.deepEqual(readFileSync(installed(root)), bundle);
    assert.equal(existsSync(join(root, 'opt/redflag-agent/redflag-agent.previous.mjs')), false);
    assert.equal((await core.core.db.agents.list()).filter((a) => a.id === agent!.id).length, 1);
  });

  it('refuses a bundle changed on the way (its SHA-256 is not the signed one) and installs nothing', async () => {
    const root = scratch();
    const proxy = await startTamperingProxy(core.httpUrl, {
      [BUNDLE]: (body) => Buffer.concat([body, Buffer.from('\nprocess.exit(0);\n')]),
    });
    try {
      const run = await runInstallScript(proxy.url, ['--token', await core.createToken(1)], root);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /the bundle's SHA-256 is [0-9a-f]{64} .* the manifest says/);
      assert.match(run.stderr, /refusing to install/);
    } finally {
      await proxy.close();
    }
    assert.equal(existsSync(installed(root)), false);
    assert.equal(existsSync(join(root, 'etc/redflag/agent.json')), false, 'not registered');
  });

  it('refuses a re-signed bundle whose key is not the one the token names', async () => {
    const root = scratch();
    const token = await core.createToken(1);
    const fingerprint = token.slice(4, 26);
    const forger = generateKeyPair();
    const evil = Buffer.from(
      '// redflag-agent 6.6.6 (single-file bundle, Node.js >= 18)\nconsole.log("6.6.6");\n',
    );
    // The forger claims the token's key id, but signs with its own key.
    const proxy = await startTamperingProxy(core.httpUrl, {
      [BUNDLE]: () => evil,
      [MANIFEST]: () =>
        Buffer.from(
          JSON.stringify({
            version: '6.6.6',
            sha256: sha256(evil),
            size: evil.length,
            url: BUNDLE,
            signatures: [
              {
                keyId: fingerprint,
                publicKey: forger.publicKey,
                signature: signAgentBundle(forger.privateKey, '6.6.6', sha256(evil)),
              },
            ],
          }),
        ),
    });
    try {
      const run = await runInstallScript(proxy.url, ['--token', token], root);
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        new RegExp(`fingerprint is ${keyFingerprint(forger.publicKey)}, the token names ${fingerprint}`),
      );
    } finally {
      await proxy.close();
    }
    assert.equal(existsSync(installed(root)), false);
  });

  it("refuses a token made for another server (its fingerprint is none of this server's keys)", async () => {
    const root = scratch();
    const other = createRegistrationToken(generateKeyPair().publicKey).token;
    const run = await runInstallScript(core.httpUrl, ['--token', other], root);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no key with the fingerprint the token names/);
    assert.equal(existsSync(installed(root)), false);
  });

  it('refuses what is not a token before downloading anything', async () => {
    const run = await runInstallScript(core.httpUrl, ['--token', 'hello'], scratch());
    assert.equal(run.code, 1);
    assert.match(run.stderr, /not a RedFlag registration token/);
  });
});
