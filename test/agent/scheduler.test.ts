import assert from 'node:assert/strict';
import type { AgentHandle } from '../../agent/daemon.js';
import { createAgentLogger } from '../../agent/log.js';
import { ScanScheduler } from '../../agent/scheduler.js';
import { tempDir } from '../helpers/cli.js';
import { nextEvent, registerTestAgent, startTestAgent, until } from './helpers/agent-fixture.js';
import { settledAtCore } from './helpers/commands.js';
import { RestartableCore } from './helpers/restartable-core.js';
import { testPackageManager } from './helpers/test-plugin.js';

const quiet = createAgentLogger('silent');

function scheduler(opts: Partial<ConstructorParameters<typeof ScanScheduler>[0]> = {}) {
  const scans: string[] = [];
  const s = new ScanScheduler({
    plugins: () => ['apt', 'dnf'],
    schedules: () => ({}),
    defaultIntervalSeconds: 3600,
    lastScanAt: async () => null,
    scan: async (p) => void scans.push(p),
    logger: quiet,
    ...opts,
  });
  return { s, scans };
}

describe('agent scan scheduler', () => {
  it('plans from the last scan, with ±10 % jitter, within the 1 min – 24 h bounds; a disabled plugin is not planned', async () => {
    const last = new Date(Date.now() - 600_000);
    const { s } = scheduler({
      schedules: () => ({
        apt: { enabled: true, intervalSeconds: 3600 },
        dnf: { enabled: false, intervalSeconds: 600 },
      }),
      lastScanAt: async () => last,
    });
    await s.start();
    const planned = s.planned();
    s.stop();
    assert.deepEqual(Object.keys(planned), ['apt']);
    const offset = (planned.apt! - last.getTime()) / 1000;
    assert.ok(offset >= 3240 && offset <= 3960, `planned ${offset} s after the last scan`);
    const bounded = scheduler({ schedules: () => ({ apt: { enabled: true, intervalSeconds: 5 } }) }).s;
    assert.equal(bounded.scheduleOf('apt').intervalSeconds, 60);
    assert.equal(
      bounded.scheduleOf('dnf').intervalSeconds,
      3600,
      'a plugin the core does not name keeps the default',
    );
  });

  it('scans at once what was never scanned, then plans the next one an interval later', async () => {
    let done!: () => void;
    const scanned = new Promise<void>((resolve) => (done = resolve));
    const { s, scans } = scheduler({
      plugins: () => ['apt'],
      startupSpreadMs: 0,
      scan: async (p) => {
        scans.push(p);
        done();
      },
    });
    await s.start();
    await scanned;
    await until('the next plan', () => s.planned().apt);
    s.stop();
    assert.deepEqual(scans, ['apt']);
    const inSeconds = (s.planned().apt ?? Date.now() + 3600_000) / 1000 - Date.now() / 1000;
    assert.ok(inSeconds > 3000, `next in ${inSeconds} s`);
  });
});

describe('agent scan schedules from the real core', function () {
  this.timeout(60_000);
  let core: RestartableCore;
  let dir: { path: string; remove(): void };
  let agent: AgentHandle | null = null;

  before(async () => {
    core = await RestartableCore.start();
    dir = tempDir('rf-agent-schedule-');
  });
  after(async () => {
    await agent?.stop();
    await core.close();
    dir.remove();
  });

  it('applies the schedule the core pushes as config, and keeps it across a restart while the core is down', async () => {
    const files = await registerTestAgent(core.httpUrl, await core.createToken(), dir.path);
    const plugin = testPackageManager();
    agent = await startTestAgent(files, [plugin.entry], { scheduler: { enabled: true, startupSpreadMs: 0 } });
    const [firstScan] = await nextEvent(agent.events, 'scan');
    await settledAtCore(core, files.agentId);
    await core.core.policy.setSchedule(
      { agentId: files.agentId, agentLabel: null, plugin: 'testpm', intervalSeconds: 900, enabled: true },
      'test',
    );
    await until('the config applied', () => agent!.schedule().testpm?.intervalSeconds === 900);
    const revision = agent.configRevision;
    assert.ok(revision > 0);

    await agent.stop();
    await core.down();
    agent = await startTestAgent(files, [plugin.entry], { scheduler: { enabled: true, startupSpreadMs: 0 } });
    const schedule = agent.schedule().testpm!;
    assert.deepEqual(
      [schedule.enabled, schedule.intervalSeconds, agent.configRevision],
      [true, 900, revision],
    );
    const finished = Date.parse(firstScan.message.finishedAt);
    const next = (Date.parse(schedule.nextAt!) - finished) / 1000;
    assert.ok(next >= 810 && next <= 990, `the next scan ${next} s after the last one, not at once`);
    await core.up();
  });
});
