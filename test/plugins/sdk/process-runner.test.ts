import assert from 'node:assert/strict';
import {
  describeFailure,
  isPluginError,
  type ProcessResult,
  requireSuccess,
  runProcess,
} from '../../../plugins/sdk/index.js';

const node = (script: string, ...args: string[]) => [process.execPath, ['-e', script, ...args]] as const;

/** Waits (bounded) until a process is gone; true when it is. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

describe('runProcess: the process runner plugins get', () => {
  it('streams stdout and stderr lines to callbacks, collects them, and reports the exit code', async () => {
    const streamed: string[] = [];
    const result = await runProcess(
      ...node(`console.log('one'); console.error('warn'); console.log('two'); process.exit(3)`),
      {
        onStdoutLine: (l) => streamed.push(`out:${l}`),
        onStderrLine: (l) => streamed.push(`err:${l}`),
      },
    );
    assert.equal(result.exitCode, 3);
    assert.deepEqual(result.stdout, ['one', 'two']);
    assert.deepEqual(result.stderr, ['warn']);
    assert.deepEqual(
      streamed.filter((l) => l.startsWith('out:')),
      ['out:one', 'out:two'],
    );
    assert.deepEqual(
      streamed.filter((l) => l.startsWith('err:')),
      ['err:warn'],
    );
  });

  it('passes arguments as a vector: shell syntax in a package name stays text', async () => {
    const hostile = '$(touch /tmp/rf-pwned); rm -rf / `id`';
    const result = await runProcess('printf', ['%s\n', hostile]);
    assert.deepEqual(result.stdout, [hostile]);
  });

  it('reads status lines from file descriptor 3', async () => {
    const status: string[] = [];
    const result = await runProcess(
      ...node(
        `require('fs').writeSync(3, 'pmstatus:curl:50.0:Unpacking\\npmstatus:curl:100:Done'); console.log('plain')`,
      ),
      { onStatusLine: (l) => status.push(l) },
    );
    assert.equal(result.exitCode, 0);
    assert.deepEqual(status, ['pmstatus:curl:50.0:Unpacking', 'pmstatus:curl:100:Done']);
    assert.deepEqual(result.stdout, ['plain']);
  });

  it('merges its environment over the agent one and can remove variables', async () => {
    process.env.RF_TEST_REMOVE_ME = 'present';
    try {
      const result = await runProcess(
        ...node(
          `console.log(process.env.LC_ALL, process.env.RF_TEST_REMOVE_ME ?? 'absent', typeof process.env.PATH)`,
        ),
        { env: { LC_ALL: 'C', RF_TEST_REMOVE_ME: undefined } },
      );
      assert.deepEqual(result.stdout, ['C absent string']);
    } finally {
      delete process.env.RF_TEST_REMOVE_ME;
    }
  });

  it('stops a process that runs past its timeout, with the children it started', async () => {
    let grandchild = 0;
    const result = await runProcess('sh', ['-c', 'sleep 600 & echo $!; wait'], {
      timeoutMs: 200,
      onStdoutLine: (line) => (grandchild = Number(line)),
    });
    assert.equal(result.timedOut, true);
    assert.equal(result.signal, 'SIGTERM');
    assert.ok(grandchild > 0);
    assert.ok(await gone(grandchild), 'the sleep the shell started was killed too');
    assert.match(describeFailure(result), /^sh did not finish in time and was stopped/);
  });

  it('kills with SIGKILL a process that ignores SIGTERM', async () => {
    const result = await runProcess(
      ...node(
        `process.on('SIGTERM', () => console.log('ignored')); console.log('ready'); setInterval(() => {}, 1000)`,
      ),
      {
        killGraceMs: 100,
        timeoutMs: 5_000,
        onStdoutLine: (line) => line === 'ready' && controller.abort(),
        signal: (controller = new AbortController()).signal,
      },
    );
    assert.equal(result.aborted, true);
    assert.equal(result.signal, 'SIGKILL');
  });
  let controller: AbortController;

  it('stops at once a process whose signal has already aborted', async () => {
    const early = new AbortController();
    early.abort();
    const result = await runProcess('sleep', ['600'], { signal: early.signal });
    assert.equal(result.aborted, true);
    assert.equal(result.exitCode, null);
    assert.equal(describeFailure(result), 'sleep 600 was cancelled');
  });

  it('reports a program that does not exist instead of throwing', async () => {
    const result = await runProcess('rf-no-such-program', ['--version']);
    assert.match(result.spawnError ?? '', /ENOENT/);
    assert.equal(result.exitCode, null);
    assert.match(describeFailure(result), /^rf-no-such-program could not be started \(.*ENOENT\)$/);
  });

  it('survives invalid UTF-8 and keeps a last line without a newline', async () => {
    const result = await runProcess(
      ...node(`process.stdout.write(Buffer.from([0x66, 0xff, 0x6f, 0x0a, 0x6c, 0x61, 0x73, 0x74]))`),
    );
    assert.deepEqual(result.stdout, ['f\uFFFDo', 'last']);
  });

  it('returns once the process exits even when a daemon it started keeps the output open', async () => {
    // A maintainer script starting a service without closing our pipe must not hang the install.
    const result: ProcessResult = await runProcess('sh', ['-c', '(sleep 4 &) ; echo done']);
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.stdout, ['done']);
  });

  it('keeps the first lines when the output is longer than asked', async () => {
    const result = await runProcess(...node(`for (let i = 0; i < 10; i++) console.log(i)`), {
      maxCollectedLines: 3,
    });
    assert.deepEqual(result.stdout, ['0', '1', '2']);
    assert.equal(result.truncated, true);
  });

  it('ignores a line callback that throws', async () => {
    const result = await runProcess(...node(`console.log('a'); console.log('b')`), {
      onStdoutLine: () => {
        throw new Error('bad consumer');
      },
    });
    assert.deepEqual(result.stdout, ['a', 'b']);
  });

  it('describes a failure by its E: lines, else its W: lines, else the end of stderr', () => {
    const base: ProcessResult = {
      command: 'apt-get',
      args: ['-o', 'Dir::Etc::SourceList=/x', '-s', 'install', '--', 'curl'],
      exitCode: 100,
      signal: null,
      stdout: ['Reading package lists...'],
      stderr: ['W: something odd', 'E: Unable to locate package curl'],
      truncated: false,
      timedOut: false,
      aborted: false,
      durationMs: 1,
    };
    assert.equal(describeFailure(base), 'apt-get install exited with 100: E: Unable to locate package curl');
    assert.equal(
      describeFailure({ ...base, stderr: ['W: something odd'] }),
      'apt-get install exited with 100: W: something odd',
    );
    assert.equal(describeFailure({ ...base, stderr: ['boom'] }), 'apt-get install exited with 100: boom');
    assert.equal(describeFailure({ ...base, stderr: [] }), 'apt-get install exited with 100');
  });

  it('requireSuccess passes a success through and turns a failure into command-failed, saying what and why', async () => {
    const ok = await runProcess(...node('console.log("held")'));
    assert.equal(requireSuccess(ok, 'could not read holds'), ok);
    const failed = await runProcess(...node('console.error("E: locked"); process.exit(2)'));
    const error: unknown = (() => {
      try {
        return requireSuccess(failed, 'could not read holds');
      } catch (e) {
        return e;
      }
    })();
    assert.ok(isPluginError(error));
    assert.equal(error.code, 'command-failed');
    assert.equal(error.message, `could not read holds: ${describeFailure(failed)}`);
  });
});
