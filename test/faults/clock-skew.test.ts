import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAX_CLOCK_SKEW_SEC } from '../../broker/protocol/index.js';
import { tempDir } from '../helpers/cli.js';
import { startAgentProcess } from '../agent/helpers/agent-cli.js';
import { registerTestAgent, until } from '../agent/helpers/agent-fixture.js';
import { commandIn, settledAtCore } from '../agent/helpers/commands.js';
import { RestartableCore } from '../agent/helpers/restartable-core.js';

function haveFaketime(): boolean {
  try {
    execFileSync('faketime', ['-f', '+0s', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * An agent whose clock is off (issue 25 §5), run as its own process under Debian's `faketime`
 * (installed by .ci/run): inside the skew the broker allows it runs fresh commands with a short
 * time-to-live; outside it, its own log says that its clock is the reason it is refused.
 */
describe('faults: an agent whose clock is off (faketime)', function () {
  this.timeout(120_000);
  let core: RestartableCore;
  const dirs: Array<{ remove(): void }> = [];
  const agents: Array<Awaited<ReturnType<typeof startAgentProcess>>> = [];

  before(async function () {
    if (!haveFaketime()) {
      if (process.env.CI === 'true') throw new Error('CI=true but faketime is missing (.ci/run installs it)');
      this.skip();
    }
    core = await RestartableCore.start();
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) {
      agent.child.kill('SIGKILL');
      await agent.exited;
    }
  });
  after(async () => {
    await core?.close();
    for (const d of dirs) d.remove();
  });

  async function skewedAgent(offsetSeconds: number) {
    const dir = tempDir('rf-fault-clock-');
    dirs.push(dir);
    const files = await registerTestAgent(core.httpUrl, await core.createToken(), dir.path);
    // Only the lists already on disk: the scan must not wait for the network.
    const config = JSON.parse(execFileSync('cat', [files.configPath], { encoding: 'utf8' })) as Record<
      string,
      unknown
    >;
    writeFileSync(
      files.configPath,
      JSON.stringify({ ...config, plugins: { apt: { updateBeforeScan: false } } }),
    );
    const agent = await startAgentProcess(
      ['--config', files.configPath, '--state-dir', join(dir.path, 'state')],
      {
        wrapper: ['faketime', '-f', `${offsetSeconds >= 0 ? '+' : ''}${offsetSeconds}s`],
        // Timers run on the real monotonic clock; only the wall clock is off.
        env: { FAKETIME_DONT_FAKE_MONOTONIC: '1' },
      },
    );
    agents.push(agent);
    return { files, agent };
  }

  it('240 s ahead (inside the allowed skew): a fresh command with a 120 s time-to-live runs', async () => {
    const { files } = await skewedAgent(240);
    await settledAtCore(core, files.agentId);
    const { command } = await core.core.dispatcher.issue({
      agentId: files.agentId,
      type: 'scan',
      params: { plugin: 'apt' },
      ttlSeconds: 120,
    });
    const done = await commandIn(core, command.id, undefined, 90_000);
    assert.equal(done.status, 'succeeded', done.error ?? '');
  });

  it(`outside the allowed skew (±${DEFAULT_MAX_CLOCK_SKEW_SEC} s): the agent's log says its clock is why the broker refuses it`, async () => {
    const { agent } = await skewedAgent(DEFAULT_MAX_CLOCK_SKEW_SEC + 200);
    await until(
      'the clock in the log',
      () =>
        /this host's clock is 5\d\d s ahead of the core's \(allowed ±300 s\): set the clock right/.test(
          agent.output(),
        ),
      30_000,
    );
  });
});
