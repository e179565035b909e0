import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { createLoggerWithFormat, resolveLogFormat } from '../../../core/log/index.js';

/** A destination that keeps what is written; `isTTY` set as a terminal would. */
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

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

describe('core/log format (issue 21 §2)', () => {
  it('auto is pretty on a terminal and JSON otherwise; pretty and json are taken as said', () => {
    assert.equal(resolveLogFormat('auto', { isTTY: true }), 'pretty');
    assert.equal(resolveLogFormat('auto', { isTTY: false }), 'json');
    assert.equal(resolveLogFormat('auto', {}), 'json');
    assert.equal(resolveLogFormat('pretty', { isTTY: false }), 'pretty');
    assert.equal(resolveLogFormat('json', { isTTY: true }), 'json');
  });

  it('writes one readable line per event on a terminal: time, level, component, message, fields', async () => {
    const out = sink(true);
    const log = (await createLoggerWithFormat('info', 'auto', out)).child({ component: 'core' });
    log.info({ database: 'PGlite /srv/rf/db' }, 'database opened');
    log.warn({ detail: { nested: { deep: [1, 2, 3] } } }, 'something odd');
    // On a terminal the level is coloured; the colours are not what is checked here.
    const lines = stripVTControlCharacters(out.text()).split('\n').filter(Boolean);
    assert.equal(lines.length, 2, out.text());
    assert.match(
      lines[0]!,
      /^\[\d\d:\d\d:\d\d\] INFO: \[core\] database opened \{"database":"PGlite \/srv\/rf\/db"\}$/,
    );
    assert.match(
      lines[1]!,
      /^\[\d\d:\d\d:\d\d\] WARN: \[core\] something odd \{"detail":\{"nested":\{"deep":\[1,2,3\]\}\}\}$/,
    );
    assert.ok(!lines.some(isJson));
  });

  it('writes JSON lines when stdout is not a terminal, without the pretty hints', async () => {
    const out = sink(false);
    const log = await createLoggerWithFormat('info', 'auto', out);
    log.info({ url: 'http://x', terse: true }, 'ready');
    const record = JSON.parse(out.text()) as Record<string, unknown>;
    assert.equal(record.msg, 'ready');
    assert.equal(record.url, 'http://x');
    assert.equal('terse' in record, false);
  });

  it('pretty mode prints a terse record as its message alone, and sets a standOut field apart', async () => {
    const out = sink(false);
    const log = await createLoggerWithFormat('info', 'pretty', out);
    log.info({ panelUrl: 'http://10.0.0.5:8080/', terse: true }, 'ready: panel http://10.0.0.5:8080/');
    log.warn({ setupUrl: 'http://10.0.0.5:8080/#/setup?token=t', standOut: 'setupUrl' }, 'No users yet');
    log.info('after');
    const lines = out.text().split('\n');
    assert.match(lines[0]!, /INFO: ready: panel http:\/\/10\.0\.0\.5:8080\/$/);
    assert.equal(lines[1], '');
    assert.match(lines[2]!, /WARN: No users yet$/);
    assert.equal(lines[3], '    http://10.0.0.5:8080/#/setup?token=t');
    assert.equal(lines[4], '');
    assert.match(lines[5]!, /INFO: after$/);
  });

  it('keeps secrets out of pretty lines too', async () => {
    const out = sink(false);
    (await createLoggerWithFormat('info', 'pretty', out)).info({ token: 'rfat_secret' }, 'request');
    assert.doesNotMatch(out.text(), /rfat_secret/);
    assert.match(out.text(), /\[redacted\]/);
  });
});
