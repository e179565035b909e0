import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseRegistrationToken } from '../../broker/protocol/index.js';
import { freePort, runRedflag, startRedflag, tempDir } from '../helpers/cli.js';
import { connectAgent, helloMessage, publishUp, registerSimAgent } from '../helpers/sim-agent.js';

/**
 * `redflag token|agent|keys`: through the running core's admin socket, and with their own
 * database connection when no core runs. Both paths run the same operations.
 */
describe('redflag management commands', function () {
  this.timeout(60000);
  const dir = tempDir();
  const dataDir = join(dir.path, 'data');
  after(() => dir.remove());

  const rf = async (...args: string[]) => {
    const res = await runRedflag([...args, '--data-dir', dataDir]);
    assert.equal(res.code, 0, `redflag ${args.join(' ')}: ${res.stderr}`);
    return res.stdout;
  };

  it('work with no core running (opening the database themselves)', async () => {
    assert.equal((await runRedflag(['migrate', '--data-dir', dataDir])).code, 0);
    const created = JSON.parse(
      await rf('token', 'create', '--label', 'offline', '--seats', '2', '--expires', '1d', '--json'),
    );
    assert.match(created.token, /^rf1_/);
    assert.match(created.install, /^curl -fsSL '.+\/install\.sh' \| sh -s -- --token 'rf1_/);
    const [listed] = JSON.parse(await rf('token', 'list', '--json'));
    assert.equal(listed.label, 'offline');
    assert.equal(listed.seatsTotal, 2);
    assert.equal('token' in listed || 'tokenHash' in listed, false, 'a token listing leaks the token');
  });

  it('work through the admin socket of a running core, and the tokens they create enrol agents', async () => {
    const core = await startRedflag([
      '--data-dir',
      dataDir,
      '--http-port',
      String(await freePort()),
      '--mqtt-port',
      String(await freePort()),
    ]);
    try {
      const created = JSON.parse(await rf('token', 'create', '--label', 'lab', '--seats', '1', '--json'));
      const keys = JSON.parse(await rf('keys', 'list', '--json'));
      assert.equal(
        (parseRegistrationToken(created.token) as { fingerprint: string }).fingerprint,
        keys[0].keyId,
      );

      const agent = await registerSimAgent(core.url, created.token);
      assert.equal(agent.status, 201);
      const agents = JSON.parse(await rf('agent', 'list', '--json'));
      assert.equal(agents.length, 1);
      assert.equal('publicKey' in agents[0], false);

      const tokens = JSON.parse(await rf('token', 'list', '--json'));
      assert.equal(tokens.find((t: { label: string }) => t.label === 'lab').seatsUsed, 1);

      // A copy of it says hello from another machine: refused until `agent rebind` (issue 21 §5).
      const id = agent.identity!.agentId;
      const copy = await connectAgent(agent.identity!.brokerUrl, agent.identity!);
      const copyGone = new Promise<void>((resolve) => copy.once('close', () => resolve()));
      const cloneMachine = createHash('sha256').update('the clone').digest('hex');
      await publishUp(copy, agent.identity!, 'hello', { ...helloMessage(), machineIdHash: cloneMachine });
      await copyGone;
      assert.match(await rf('agent', 'list'), /active, identity conflict/);
      const rebound = await rf('agent', 'rebind', id, '--machine-id-hash', cloneMachine);
      assert.match(rebound, /identity conflict lifted/);
      assert.match(rebound, new RegExp(`bound to machine ${cloneMachine.slice(0, 12)}…`));
      assert.doesNotMatch(await rf('agent', 'list'), /identity conflict/);

      assert.match(await rf('agent', 'revoke', agent.identity!.agentId), /revoked/);
      const missing = await runRedflag(['agent', 'revoke', agent.identity!.agentId, '--data-dir', dataDir]);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /^redflag: no active agent with id /);

      const rotated = JSON.parse(await rf('keys', 'rotate', '--json'));
      assert.equal(rotated.previousKeyId, keys[0].keyId);
      const after = JSON.parse(await rf('keys', 'list', '--json'));
      assert.deepEqual(
        after.map((k: { active: boolean; verifies: boolean }) => [k.active, k.verifies]),
        [
          [false, true],
          [true, true],
        ],
      );
      // New tokens carry the new key's fingerprint.
      const next = JSON.parse(await rf('token', 'create', '--label', 'after-rotation', '--json'));
      assert.equal(
        (parseRegistrationToken(next.token) as { fingerprint: string }).fingerprint,
        rotated.keyId,
      );
    } finally {
      core.child.kill('SIGTERM');
      await core.exited;
    }
  });

  it('refuse bad input with one line and a non-zero exit', async () => {
    const res = await runRedflag([
      'token',
      'create',
      '--label',
      'x',
      '--expires',
      'soon',
      '--data-dir',
      dataDir,
    ]);
    assert.equal(res.code, 1);
    assert.equal(
      res.stderr,
      'redflag: expires must be a duration like 30m, 12h, 7d or 2w of at most 366 days, got "soon"\n',
    );
    const usage = await runRedflag(['token', 'create', '--data-dir', dataDir]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /required option '-l, --label <label>' not specified/);
  });
});
