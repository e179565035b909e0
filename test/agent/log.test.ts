import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { createAgentLoggerWithFormat, resolveLogFormat } from '../../agent/log.js';
import { runAgentCli } from './helpers/agent-cli.js';

function sink(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return Object.assign(stream, { isTTY, text: () => text });
}

describe('agent log format (issue 21 §2)', function () {
  this.timeout(60_000);

  it('auto is pretty on a terminal and JSON otherwise (journald)', () => {
    assert.equal(resolveLogFormat('auto', sink(true)), 'pretty');
    assert.equal(resolveLogFormat('auto', sink(false)), 'json');
    assert.equal(resolveLogFormat('pretty', sink(false)), 'pretty');
    assert.equal(resolveLogFormat('json', sink(true)), 'json');
  });

  it('writes one readable line per event on a terminal', async () => {
    const out = sink(true);
    const log = (await createAgentLoggerWithFormat('info', 'auto', out)).child({ component: 'scanner' });
    log.info({ plugin: 'apt', updates: 12 }, 'scan finished');
    log.warn('connection lost');
    // On a terminal the level is coloured; the colours are not what is checked here.
    const lines = stripVTControlCharacters(out.text()).split('\n').filter(Boolean);
    assert.deepEqual(
      lines.map((l) => l.replace(/^\[\d\d:\d\d:\d\d\] /, '')),
      ['INFO: [scanner] scan finished {"plugin":"apt","updates":12}', 'WARN: [scanner] connection lost'],
    );
  });

  it('writes JSON lines when stdout is not a terminal', async () => {
    const out = sink(false);
    (await createAgentLoggerWithFormat('info', 'auto', out)).info('started');
    assert.equal((JSON.parse(out.text()) as { msg: string }).msg, 'started');
  });

  it('`run --log-format` offers auto, pretty and json, and refuses anything else', async () => {
    const help = await runAgentCli(['run', '--help']);
    assert.match(
      help.stdout.replace(/\s+/g, ' '),
      /--log-format <format> .*\(choices: "auto", "pretty", "json", default: "auto"\)/,
    );
    const bad = await runAgentCli(['run', '--log-format', 'colour']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--log-format <format>' argument 'colour' is invalid/);
  });
});
