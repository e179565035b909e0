import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentHandle } from '../../agent/daemon.js';
import { tempDir } from '../helpers/cli.js';
import { nextEvent, registerTestAgent, startTestAgent, until } from '../agent/helpers/agent-fixture.js';
import { commandIn, issue, settledAtCore } from '../agent/helpers/commands.js';
import { RestartableCore } from '../agent/helpers/restartable-core.js';
import { testPackageManager } from '../agent/helpers/test-plugin.js';
import { findProcesses, isAlive, type KillableAgent, startKillableAgent } from './helpers/processes.js';

/**
 * `kill -9` of an agent while a package manager runs for a command (issue 25 §6): the command
 * ends `failed` at the core and never runs again, and the package manager the killed agent
 * left running is stopped when the agent starts again.
 */
describe('faults: an agent killed with SIGKILL during a command', function () {
  this.timeout(120_000);
  let core: RestartableCore;
  const dirs: Array<{ remove(): void }> = [];
  let killable: KillableAgent | null = null;
  let agent: AgentHandle | null = null;
  const strays: number[] = [];

  before(async () => {
    core = await RestartableCore.start();
  });
  afterEach(async () => {
    await killable?.kill9();
    killable = null;
    await agent?.stop();
    agent = null;
    for (const pid of strays.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  after(async () => {
    await core.close();
    for (const d of dirs) d.remove();
  });

  it('the command ends failed and never runs again; what the killed agent left running is stopped at the next start', async () => {
    const dir = tempDir('rf-fault-kill-');
    dirs.push(dir);
    const files = await registerTestAgent(core.httpUrl, await core.createToken(), dir.path);
    // A duration no other test uses: the process is found by its command line.
    killable = await startKillableAgent(files.configPath, files.stateDir, { scanSleepSeconds: 6173 });
    await settledAtCore(core, files.agentId);

    const command = await issue(core, files.agentId, 'scan', { plugin: 'testpm' });
    const [pid] = await until('the package manager to run', () => {
      const found = findProcesses(['/bin/sleep', '6173']);
      return found.length ? found : null;
    });
    strays.push(pid!);
    // The agent lists the group just after it started it (a kill within that instant loses it).
    await until('the agent to list the process group', () =>
      existsSync(join(files.stateDir, 'process-groups.json'))
        ? (
            JSON.parse(readFileSync(join(files.stateDir, 'process-groups.json'), 'utf8')) as {
              groups: number[];
            }
          ).groups.includes(pid!)
        : false,
    );
    await killable.kill9();
    killable = null;
    assert.ok(isAlive(pid!), 'the package manager outlived the killed agent (the fault this test is about)');

    const { entry, control } = testPackageManager();
    agent = await startTestAgent(files, [entry]);
    assert.ok(!isAlive(pid!), 'the next start stopped it');
    await nextEvent(agent.events, 'online');
    const done = await commandIn(core, command.id);
    assert.equal(done.status, 'failed');
    assert.match(done.error ?? '', /the agent stopped while this command was running/);
    assert.equal(control.calls.scan, 0, 'the command did not run again');
  });
});
