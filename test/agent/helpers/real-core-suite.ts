import type { AgentHandle } from '../../../agent/daemon.js';
import { tempDir } from '../../helpers/cli.js';
import { type AgentFiles, registerTestAgent, startTestAgent } from './agent-fixture.js';
import { RestartableCore } from './restartable-core.js';

/**
 * The setting of the agent tests against the real core: the core starts before the suite and
 * closes after it; the agents a test starts stop after that test; every directory the suite
 * made goes at the end. Call it in a `describe`; `dirPrefix` names the suite's directories.
 */
export function realCoreSuite(dirPrefix: string) {
  let core: RestartableCore | undefined;
  const dirs: Array<{ remove(): void }> = [];
  const agents: AgentHandle[] = [];

  before(async () => {
    core = await RestartableCore.start();
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.stop();
  });
  after(async () => {
    await core?.close();
    for (const d of dirs) d.remove();
  });

  const started = (): RestartableCore => {
    if (!core) throw new Error('the core starts in the suite’s before hook');
    return core;
  };
  /** A directory of the suite's own. */
  const dir = (): string => {
    const made = tempDir(dirPrefix);
    dirs.push(made);
    return made.path;
  };

  return {
    get core(): RestartableCore {
      return started();
    },
    dir,
    /** A new agent registered with the core, in a directory of its own. */
    async enrol(local: Parameters<typeof registerTestAgent>[3] = {}): Promise<AgentFiles> {
      const c = started();
      return registerTestAgent(c.httpUrl, await c.createToken(), dir(), local);
    },
    /** The daemon of `files` (startTestAgent), stopped after the test. */
    async start(...args: Parameters<typeof startTestAgent>): Promise<AgentHandle> {
      const agent = await startTestAgent(...args);
      agents.push(agent);
      return agent;
    },
  };
}
