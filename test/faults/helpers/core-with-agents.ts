import type { AgentHandle } from '../../../agent/daemon.js';
import { registerTestAgent, startTestAgent } from '../../agent/helpers/agent-fixture.js';
import { testPackageManager, type TestPmControl } from '../../agent/helpers/test-plugin.js';
import { tempDir } from '../../helpers/cli.js';
import { CoreProcess } from './core-process.js';

export interface StartedTestAgent {
  agentId: string;
  agent: AgentHandle;
  control: TestPmControl;
}

/**
 * The setting of the core-kill tests: a core process on PostgreSQL, started before the suite,
 * and the test agents (each with the `testpm` package manager) a test starts against it; after
 * the suite the agents stop, then the core, and their directories go. Call it in a `describe`.
 */
export function coreWithTestAgents() {
  const agents: AgentHandle[] = [];
  const dirs: Array<{ remove(): void }> = [];
  let core: CoreProcess | undefined;

  before(async function () {
    this.timeout(120_000);
    core = await CoreProcess.start({ postgres: true });
  });
  after(async () => {
    for (const agent of agents) await agent.stop();
    await core?.close();
    for (const d of dirs) d.remove();
  });

  const started = (): CoreProcess => {
    if (!core) throw new Error('the core starts in the suite’s before hook');
    return core;
  };

  return {
    get core(): CoreProcess {
      return started();
    },
    /** Registers an agent with `token` and starts it; `setUp` sets its package manager up first. */
    async startAgent(token: string, setUp?: (control: TestPmControl) => void): Promise<StartedTestAgent> {
      const dir = tempDir('rf-fault-core-kill-');
      dirs.push(dir);
      const files = await registerTestAgent(started().httpUrl, token, dir.path);
      const { entry, control } = testPackageManager();
      setUp?.(control);
      const agent = await startTestAgent(files, [entry]);
      agents.push(agent);
      return { agentId: files.agentId, agent, control };
    },
  };
}
