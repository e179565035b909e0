import assert from 'node:assert/strict';
import {
  countingProgress,
  emptyTransaction,
  type InstallPlan,
  type InstallRequest,
  type InstallSteps,
  installStep,
  isPluginError,
  PluginError,
  runInstallSequence,
  type Transaction,
} from '../../../plugins/sdk/index.js';

const upgrade = (name: string, toVersion: string) => ({ name, fromVersion: '1', toVersion });
const withCurl = (): Transaction => ({ ...emptyTransaction(), upgrades: [upgrade('curl', '2')] });

/** Steps over an in-memory package database, recording the order they are called in. */
function steps(
  overrides: Partial<InstallSteps<InstallPlan, Map<string, string>>> = {},
): InstallSteps<InstallPlan, Map<string, string>> & { calls: string[] } {
  const calls: string[] = [];
  const installed = new Map([['curl', '1']]);
  return {
    calls,
    plan: async () => {
      calls.push('plan');
      return { transaction: withCurl() };
    },
    readInventory: async () => {
      calls.push('readInventory');
      return new Map(installed);
    },
    run: async (_plan, report) => {
      calls.push('run');
      report({ stage: 'install', package: 'curl', message: 'curl 2' });
      installed.set('curl', '2');
      return null;
    },
    changed: (before, after) =>
      [...after].filter(([n, v]) => before.get(n) !== v).map(([name, toVersion]) => ({ name, toVersion })),
    missed: () => [],
    rebootStatus: () => ({ required: false, packages: [], reasons: [] }),
    ...overrides,
  };
}

async function refusal(request: InstallRequest, install: InstallSteps<InstallPlan, unknown>) {
  const error: unknown = await runInstallSequence(request, () => {}, install).then(
    () => assert.fail('the install went ahead'),
    (e: unknown) => e,
  );
  assert.ok(isPluginError(error), String(error));
  return { code: error.code, message: error.message, details: error.details };
}

describe('runInstallSequence: the order every package manager installs in (issue 22 §5)', () => {
  const curl = { packages: [{ name: 'curl' }] };

  it('refuses packages the plan found held, after the plan and before reading anything else', async () => {
    const install = steps({
      plan: async () => ({ transaction: withCurl(), held: ['curl', 'zlib'] }),
      heldRefusal: (names) => `refusing ${names}: unhold them first`,
    });
    assert.deepEqual(await refusal(curl, install), {
      code: 'held',
      message: 'refusing curl, zlib: unhold them first',
      details: { held: ['curl', 'zlib'] },
    });
    assert.deepEqual(install.calls, []); // no inventory read, no run
  });

  it("without a confirmed transaction: the plugin's own refusal first, then versions that moved on", async () => {
    const seen: string[] = [];
    const install = steps({
      checkUnconfirmed: () => void seen.push('checkUnconfirmed'),
      offeredBy: 'the mirror now offers',
    });
    const pinned = { packages: [{ name: 'curl', version: '1.5' }] };
    assert.deepEqual(await refusal(pinned, install), {
      code: 'version-changed',
      message: 'curl 1.5 was approved, but the mirror now offers 2',
      details: {},
    });
    assert.deepEqual(seen, ['checkUnconfirmed']);
    // With a confirmed transaction neither runs: the comparison says all.
    const confirmed = await runInstallSequence({ ...pinned, expected: withCurl() }, () => {}, install);
    assert.deepEqual(confirmed.changed, [{ name: 'curl', toVersion: '2' }]);
    assert.deepEqual(seen, ['checkUnconfirmed']);
  });

  it('a plan that changes nothing ends the install, or is refused where the plugin says so', async () => {
    const empty = steps({
      plan: async () => ({ transaction: { ...emptyTransaction(), warnings: ['curl: newest'] } }),
    });
    const result = await runInstallSequence(curl, () => {}, empty);
    assert.deepEqual(result, {
      changed: [],
      rebootRequired: { required: false, packages: [], reasons: [] },
      warnings: ['curl: newest'],
    });
    assert.deepEqual(empty.calls, []); // no inventory read, no run

    const refusing = steps({
      plan: empty.plan,
      nothingToDo: () => {
        throw new PluginError('nothing to install', { code: 'nothing-to-do' });
      },
    });
    assert.equal((await refusal(curl, refusing)).code, 'nothing-to-do');
  });

  it("a refusal of the run's own (a busy lock) reads nothing more; a failure reads back what changed", async () => {
    const locked = steps({
      run: async () => {
        locked.calls.push('run');
        throw new PluginError('lock stayed busy', { code: 'lock-timeout' });
      },
    });
    assert.equal((await refusal(curl, locked)).code, 'lock-timeout');
    assert.deepEqual(locked.calls, ['plan', 'readInventory', 'run']);

    const failing = steps();
    const run = failing.run;
    failing.run = async (plan, report) => (await run(plan, report), 'apt-get exited with 100');
    assert.deepEqual(await refusal(curl, failing), {
      code: 'install-failed',
      message: 'apt-get exited with 100',
      details: { changed: [{ name: 'curl', toVersion: '2' }] },
    });
    assert.deepEqual(failing.calls, ['plan', 'readInventory', 'run', 'readInventory']);
  });

  it('a progress handler that throws does not break the install', async () => {
    const result = await runInstallSequence(curl, () => assert.fail('a broken progress handler'), steps());
    assert.deepEqual(result.changed, [{ name: 'curl', toVersion: '2' }]);
  });
});

describe('countingProgress and installStep: per-package lines as install progress', () => {
  it('counts each package step for the percentage of the whole, and gives none while the total is unknown', () => {
    const seen: unknown[] = [];
    const parse = (line: string, done: number, total: number) =>
      line.startsWith('step ')
        ? installStep(line, line.slice(5), done, total)
        : { stage: 'output' as const, message: line };
    const onLine = countingProgress(parse, 3, (p) => seen.push(p));
    for (const line of ['step a', 'noise', 'step b', 'step c']) onLine(line);
    assert.deepEqual(seen, [
      { stage: 'install', package: 'a', message: 'step a', percent: 33 },
      { stage: 'output', message: 'noise' },
      { stage: 'install', package: 'b', message: 'step b', percent: 67 },
      { stage: 'install', package: 'c', message: 'step c', percent: 100 },
    ]);
    assert.deepEqual(installStep('step d', 'd', 5, 3), {
      stage: 'install',
      package: 'd',
      message: 'step d',
      percent: 100,
    });
    assert.deepEqual(installStep('step e', 'e', 0, 0), { stage: 'install', package: 'e', message: 'step e' });
  });
});
