import assert from 'node:assert/strict';
import { type ProcessResult, PluginError } from '../../../plugins/sdk/index.js';
import { packageManager, pluginModule, record, startHost } from './helpers.js';

/** Resolves when the test says so: lets a test observe a plugin mid-operation without sleeping. */
function latch<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PluginHost: a plugin that throws or hangs is stopped, reported and disabled; the others keep working', () => {
  it('disables a plugin whose scan throws, and reports it as an error event', async () => {
    const { host, events } = await startHost([
      pluginModule({
        name: 'broken',
        create: () => packageManager('broken', { scan: async () => JSON.parse('{') }),
      }),
      pluginModule({ name: 'alpha' }),
    ]);
    const broken = host.packageManager('broken')!;
    const outcome = await broken.scan();
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.reason, 'crashed');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /^plugin broken: scan threw SyntaxError: .*; the plugin was disabled$/,
    );
    assert.deepEqual(
      events.filter((e) => e.subtype === 'failed').map((e) => [e.type, e.severity, e.plugin]),
      [['plugin', 'error', 'broken']],
    );
    assert.equal(host.list()[0]?.state, 'disabled');

    const again = await broken.detect();
    assert.equal(!again.ok && again.reason, 'disabled', 'a disabled plugin is not called again');
    const alpha = await host.packageManager('alpha')!.scan();
    assert.deepEqual(alpha.ok && alpha.value.packages.map((p) => p.name), ['alpha-pkg']);
  });

  it('catches a plugin that throws synchronously (not even a promise)', async () => {
    const { host } = await startHost([
      pluginModule({
        name: 'sync',
        create: () =>
          packageManager('sync', {
            detect: () => {
              throw new TypeError('x is undefined');
            },
          }),
      }),
    ]);
    const outcome = await host.packageManager('sync')!.detect();
    assert.equal(
      !outcome.ok && outcome.message,
      'plugin sync: detect threw TypeError: x is undefined; the plugin was disabled',
    );
  });

  it('stops a scan that hangs, kills the process it started, and disables the plugin', async () => {
    const started = latch<void>();
    const processEnded = latch<ProcessResult>();
    const { host, events } = await startHost(
      [
        pluginModule({
          name: 'hanger',
          create: (ctx) =>
            packageManager('hanger', {
              scan: () => {
                // Forgets to pass op.signal: the host still stops the process it runs.
                void ctx.run('sleep', ['600']).then(processEnded.resolve);
                started.resolve();
                return new Promise(() => {});
              },
            }),
        }),
        pluginModule({ name: 'alpha' }),
      ],
      { timeouts: { scan: 100 } },
    );
    const outcome = await host.packageManager('hanger')!.scan();
    await started.promise;
    assert.equal(!outcome.ok && outcome.reason, 'timeout');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /plugin hanger: scan did not finish within 100 ms and was stopped; the plugin was disabled/,
    );
    const sleep = await processEnded.promise;
    assert.equal(sleep.aborted, true);
    assert.equal(sleep.signal, 'SIGTERM');
    assert.equal(host.list()[0]?.state, 'disabled');
    assert.deepEqual(
      events.filter((e) => e.subtype === 'failed').map((e) => e.plugin),
      ['hanger'],
    );
    assert.ok((await host.packageManager('alpha')!.scan()).ok, 'the other plugin still answers');
  });

  it('keeps a plugin that reports an expected failure (PluginError) enabled', async () => {
    let calls = 0;
    const { host, events } = await startHost([
      pluginModule({
        name: 'busy',
        create: () =>
          packageManager('busy', {
            holds: async () => {
              if (++calls === 1)
                throw new PluginError('dpkg lock held by unattended-upgr', { code: 'lock-timeout' });
              return ['linux-image-amd64'];
            },
          }),
      }),
    ]);
    const busy = host.packageManager('busy')!;
    assert.deepEqual(await busy.holds(), {
      ok: false,
      reason: 'error',
      code: 'lock-timeout',
      message: 'plugin busy: holds failed: dpkg lock held by unattended-upgr',
    });
    assert.deepEqual(await busy.holds(), { ok: true, value: ['linux-image-amd64'] });
    assert.deepEqual(
      events.filter((e) => e.subtype !== 'loaded').map((e) => [e.subtype, e.severity, e.metadata]),
      [['operation-failed', 'warning', { code: 'lock-timeout' }]],
    );
    assert.equal(host.list()[0]?.state, 'active');
  });

  it('disables a plugin that returns something that is not a result', async () => {
    const { host } = await startHost([
      pluginModule({
        name: 'liar',
        create: () => packageManager('liar', { rebootRequired: async () => 'yes' as never }),
      }),
    ]);
    const outcome = await host.packageManager('liar')!.rebootRequired();
    assert.equal(!outcome.ok && outcome.reason, 'crashed');
    assert.match(
      !outcome.ok ? outcome.message : '',
      /rebootRequired returned an invalid result \(expected \{ required: boolean/,
    );
  });

  it('drops malformed scan records, keeps the good ones and marks the scan incomplete', async () => {
    const bad = [
      { ...record('mixed', 'nosev'), severity: 'urgent' },
      { ...record('mixed', 'extra'), colour: 'red' },
      record('someone-else', 'foreign'),
    ];
    const { host, events } = await startHost([
      pluginModule({
        name: 'mixed',
        create: () =>
          packageManager('mixed', {
            scan: async () => ({
              packages: [record('mixed', 'good'), ...bad] as never,
              complete: true,
              warnings: [],
            }),
          }),
      }),
    ]);
    const outcome = await host.packageManager('mixed')!.scan();
    assert.ok(outcome.ok);
    assert.deepEqual(
      outcome.value.packages.map((p) => p.name),
      ['good'],
    );
    assert.equal(outcome.value.complete, false);
    assert.equal(outcome.value.warnings.length, 3);
    assert.match(
      outcome.value.warnings[0]!,
      /record nosev dropped: severity must be equal to one of the allowed values/,
    );
    assert.match(outcome.value.warnings[1]!, /record extra dropped: .*colour is not a known setting/);
    assert.match(
      outcome.value.warnings[2]!,
      /record foreign dropped: reported as plugin someone-else, not mixed/,
    );
    assert.equal(events.at(-1)?.subtype, 'invalid-result');
    assert.equal(host.list()[0]?.state, 'active');
  });

  it('passes a container inventory on whole, or drops it whole when one item is malformed (issue 24 §5)', async () => {
    const item = {
      id: 'ab'.repeat(32),
      name: 'web',
      reference: 'docker.io/library/nginx:1.27',
      image: 'docker.io/library/nginx',
      localDigests: [],
      checkStatus: 'not_checkable',
      state: 'running',
    };
    let containers: unknown[] = [item, { ...item, id: 'cd'.repeat(32), name: 'db' }];
    const { host } = await startHost([
      pluginModule({
        name: 'boxes',
        create: () =>
          packageManager('boxes', {
            scan: async () =>
              ({ packages: [record('boxes', 'good')], complete: true, warnings: [], containers }) as never,
          }),
      }),
    ]);
    const whole = await host.packageManager('boxes')!.scan();
    assert.ok(whole.ok);
    assert.deepEqual(
      whole.value.containers?.map((c) => c.name),
      ['web', 'db'],
    );
    assert.equal(whole.value.complete, true);

    containers = [item, { ...item, name: 'db', checkStatus: 'outdated' }];
    const dropped = await host.packageManager('boxes')!.scan();
    assert.ok(dropped.ok);
    assert.equal(dropped.value.containers, undefined, 'one item less would remove a container at the core');
    assert.match(dropped.value.warnings.join('\n'), /container inventory dropped: item #1: .*checkStatus/);
    assert.deepEqual(
      dropped.value.packages.map((p) => p.name),
      ['good'],
    );
    assert.equal(dropped.value.complete, true, 'the records are whole');
  });

  it('cancels an operation when the caller aborts, killing its process, without disabling the plugin', async () => {
    const running = latch<void>();
    const ended = latch<ProcessResult>();
    const { host } = await startHost([
      pluginModule({
        name: 'slow',
        create: (ctx) =>
          packageManager('slow', {
            dryRun: async (_request, op) => {
              const result = ctx.run('sleep', ['600'], { signal: op.signal });
              running.resolve();
              ended.resolve(await result);
              throw new PluginError('cancelled');
            },
          }),
      }),
    ]);
    const controller = new AbortController();
    const pending = host
      .packageManager('slow')!
      .dryRun({ packages: [{ name: 'x' }] }, { signal: controller.signal });
    await running.promise;
    controller.abort();
    const outcome = await pending;
    assert.deepEqual(outcome, {
      ok: false,
      reason: 'cancelled',
      message: 'plugin slow: dryRun was cancelled',
    });
    assert.equal((await ended.promise).aborted, true);
    assert.equal(host.list()[0]?.state, 'active');
  });

  it('can take a disabled plugin back', async () => {
    let fail = true;
    const { host, events } = await startHost([
      pluginModule({
        name: 'flaky',
        create: () =>
          packageManager('flaky', {
            detect: async () => {
              if (fail) throw new Error('boom');
              return { available: true };
            },
          }),
      }),
    ]);
    const flaky = host.packageManager('flaky')!;
    await flaky.detect();
    fail = false;
    assert.equal(host.enable('flaky'), true);
    assert.deepEqual(await flaky.detect(), { ok: true, value: { available: true } });
    assert.equal(events.at(-1)?.subtype, 'enabled');
    assert.equal(host.enable('flaky'), false, 'only a disabled plugin can be enabled');
  });

  it('survives a progress handler and an event consumer that throw', async () => {
    const { host } = await startHost([
      pluginModule({
        name: 'alpha',
        create: () =>
          packageManager('alpha', {
            install: async (_request, onProgress) => {
              onProgress({ stage: 'install', percent: 50, message: 'half way' });
              return {
                changed: [{ name: 'x', toVersion: '2' }],
                rebootRequired: { required: false, packages: [], reasons: [] },
                warnings: [],
              };
            },
          }),
      }),
    ]);
    const outcome = await host.packageManager('alpha')!.install({ packages: [{ name: 'x' }] }, () => {
      throw new Error('the panel went away');
    });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.value.changed, [{ name: 'x', toVersion: '2' }]);

    const { host: noisy } = await startHost(
      [
        pluginModule({
          name: 'alpha',
          create: () =>
            packageManager('alpha', {
              scan: async () => {
                throw new Error('x');
              },
            }),
        }),
      ],
      {
        onEvent: () => {
          throw new Error('event store is down');
        },
      },
    );
    const failed = await noisy.packageManager('alpha')!.scan();
    assert.equal(!failed.ok && failed.reason, 'crashed');
  });

  it('does not kill a process a plugin starts later from a timer set during a finished operation', async () => {
    const later = latch<ProcessResult>();
    const { host } = await startHost([
      pluginModule({
        name: 'timer',
        create: (ctx) =>
          packageManager('timer', {
            detect: async () => {
              setTimeout(() => void ctx.run('true', []).then(later.resolve), 0);
              return { available: true };
            },
          }),
      }),
    ]);
    assert.ok((await host.packageManager('timer')!.detect()).ok);
    const result = await later.promise;
    assert.equal(result.aborted, false);
    assert.equal(result.exitCode, 0);
  });

  it('stop() cancels running operations, disposes of plugins and refuses further calls', async () => {
    const running = latch<void>();
    let disposed = false;
    const { host } = await startHost([
      pluginModule({
        name: 'alpha',
        create: (ctx) => ({
          ...packageManager('alpha'),
          scan: async () => {
            const sleep = ctx.run('sleep', ['600']);
            running.resolve();
            const result = await sleep;
            throw new PluginError(`sleep ended: aborted=${result.aborted}`);
          },
          dispose: () => {
            disposed = true;
          },
        }),
      }),
    ]);
    const alpha = host.packageManager('alpha')!;
    const scan = alpha.scan();
    await running.promise;
    await host.stop();
    assert.equal((await scan).ok, false);
    assert.equal(!(await scan).ok && ((await scan) as { reason: string }).reason, 'cancelled');
    assert.equal(disposed, true);
    assert.equal(host.list()[0]?.state, 'stopped');
    const after = await alpha.detect();
    assert.equal(!after.ok && after.reason, 'disabled');
  });
});
