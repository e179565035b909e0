import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../../core/log/index.js';

describe('log redaction', () => {
  it('replaces credentials before a line is written', () => {
    let written = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        written += chunk.toString();
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info(
      {
        req: { headers: { authorization: 'Bearer rfat_secret1', cookie: 'rf_session=secret2' } },
        body: { password: 'secret3', token: 'secret4' },
        password: 'secret5',
      },
      'request',
    );
    assert.match(written, /\[redacted\]/);
    for (const n of [1, 2, 3, 4, 5]) assert.equal(written.includes(`secret${n}`), false, `secret${n} logged`);
  });
});
