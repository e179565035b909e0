import assert from 'node:assert/strict';
import type { ProcessResult } from '../../../plugins/sdk/index.js';
import { packageManager, pluginModule, startHost } from './helpers.js';

/** An install that marks its point of no return between a download and the change, as apt's does. */
async function marking(steps: string[]) {
  let downloading!: () => void;
  const started = new Promise<void>((resolve) => (downloading = resolve));
  let downloaded: Promise<ProcessResult> | null = null;
  const { host } = await startHost([
    pluginModule({
      name: 'marking',
      create: (ctx) => ({
        ...packageManager('marking', {
          install: async (_request, _progress, op) => {
            downloaded = ctx.run('sleep', ['600'], { signal: op.signal });
            downloading();
            const download = await downloaded;
            steps.push(`downloaded: ${download.aborted ? 'aborted' : 'done'}`);
            op.pointOfNoReturn();
            steps.push('changing the system');
            return {
              changed: [],
              rebootRequired: { required: false, packages: [], reasons: [] },
              warnings: [],
            };
          },
        }),
        marksPointOfNoReturn: true,
      }),
    }),
  ]);
  return { pm: host.packageManager('marking')!, started, downloaded: () => downloaded! };
}

describe('plugin SDK: an install’s point of no return (issue 21 §6)', () => {
  it('a cancel before the point stops the install: its process is killed, the change never starts', async () => {
    const steps: string[] = [];
    const { pm, started, downloaded } = await marking(steps);
    const controller = new AbortController();
    const passed: string[] = [];
    const pending = pm.install({ packages: [{ name: 'x' }] }, () => {}, {
      signal: controller.signal,
      onPointOfNoReturn: () => {
        passed.push('asked');
        return !controller.signal.aborted;
      },
    });
    await started;
    controller.abort();
    const outcome = await pending;
    assert.equal(!outcome.ok && outcome.reason, 'cancelled');
    assert.equal((await downloaded()).aborted, true);
    await new Promise((resolve) => setImmediate(resolve)); // the plugin's own code after the kill
    assert.deepEqual(steps, ['downloaded: aborted']);
    assert.deepEqual(passed, [], 'the caller is not asked once it has cancelled');
  });

  it('asks the caller at the point: a caller that cancelled meanwhile stops the install there', async () => {
    const steps: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { host } = await startHost([
      pluginModule({
        name: 'gated',
        create: (ctx) => ({
          ...packageManager('gated', {
            install: async (_request, _progress, op) => {
              await gate; // the download, ending on its own
              await ctx.run('true', [], { signal: op.signal });
              op.pointOfNoReturn();
              steps.push('changing the system');
              return {
                changed: [],
                rebootRequired: { required: false, packages: [], reasons: [] },
                warnings: [],
              };
            },
          }),
          marksPointOfNoReturn: true,
        }),
      }),
    ]);
    const answers: boolean[] = [];
    let cancelled = false;
    const pending = host.packageManager('gated')!.install({ packages: [{ name: 'x' }] }, () => {}, {
      onPointOfNoReturn: () => {
        answers.push(!cancelled);
        return !cancelled;
      },
    });
    cancelled = true; // the caller's cancel, before the plugin got to its point
    open();
    const outcome = await pending;
    assert.equal(!outcome.ok && outcome.reason, 'cancelled');
    assert.deepEqual(answers, [false]);
    assert.deepEqual(steps, [], 'stopped at the point: nothing changed');
    assert.equal(host.list()[0]?.state, 'active', 'a cancel is no fault of the plugin');
  });

  it('a plugin that does not mark its point is past it from its first step: the host cannot tell a safe moment', async () => {
    const order: string[] = [];
    const { host } = await startHost([
      pluginModule({
        name: 'plain',
        create: () =>
          packageManager('plain', {
            install: async () => {
              order.push('install ran');
              return {
                changed: [],
                rebootRequired: { required: false, packages: [], reasons: [] },
                warnings: [],
              };
            },
          }),
      }),
    ]);
    const outcome = await host.packageManager('plain')!.install({ packages: [{ name: 'x' }] }, () => {}, {
      onPointOfNoReturn: () => {
        order.push('point of no return');
        return true;
      },
    });
    assert.equal(outcome.ok, true);
    assert.deepEqual(order, ['point of no return', 'install ran']);
  });
});
