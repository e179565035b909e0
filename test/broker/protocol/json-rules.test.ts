import assert from 'node:assert/strict';
import {
  makeStorable,
  MAX_MESSAGE_DEPTH,
  mayHoldUnstorableText,
  scanJsonPayload,
  storableJson,
  storableText,
} from '../../../broker/protocol/index.js';

// Issue 21 §8: the string rules and the nesting bound of docs/protocol.md.
describe('broker/protocol JSON rules', () => {
  describe('storableText', () => {
    it('replaces NUL and lone surrogates with U+FFFD, keeping the length', () => {
      assert.equal(storableText('a\u0000b'), 'a\ufffdb');
      assert.equal(storableText('x\ud800'), 'x\ufffd');
      assert.equal(storableText('\udc00x'), '\ufffdx');
      assert.equal(storableText('\udbff\ud800\udc00'), '\ufffd\ud800\udc00');
      assert.equal(storableText('\u0000\ud83d').length, 2);
    });

    it('keeps surrogate pairs and every other character as they are', () => {
      const text = 'Grüße 🎉 \u001b[31m\ufffe \u0001';
      assert.equal(storableText(text), text);
    });
  });

  it('makeStorable fixes every string of a parsed message, keys included', () => {
    const parsed = JSON.parse(
      '{"a\\u0000":["\\ud800",{"b":"\\u0000"}],"n":1,"ok":"\\ud83d\\ude00"}',
    ) as unknown;
    assert.deepEqual(makeStorable(parsed), { 'a\ufffd': ['\ufffd', { b: '\ufffd' }], n: 1, ok: '😀' });
  });

  it('storableJson writes what PostgreSQL accepts', () => {
    assert.equal(storableJson({ 'k\u0000': '\udfff' }), '{"k\ufffd":"\ufffd"}');
    assert.equal(storableJson({ path: 'C:\\u0000' }), '{"path":"C:\\\\u0000"}');
  });

  it('mayHoldUnstorableText: only a \\u escape can carry NUL or a lone surrogate', () => {
    assert.equal(mayHoldUnstorableText(Buffer.from('{"a":"plain é"}')), false);
    assert.equal(mayHoldUnstorableText(Buffer.from('{"a":"\\u0000"}')), true);
    // Encoded surrogates are invalid UTF-8: decoding gives U+FFFD, never a lone surrogate.
    assert.equal(Buffer.from([0xed, 0xa0, 0x80]).toString('utf8'), '\ufffd\ufffd\ufffd');
  });

  describe('scanJsonPayload', () => {
    const scan = (text: string) => scanJsonPayload(Buffer.from(text), MAX_MESSAGE_DEPTH);

    it('measures nesting, the message object being level 1', () => {
      assert.equal(scan('{}').depth, 1);
      assert.equal(scan('{"a":[{"b":[]}],"c":{}}').depth, 4);
      assert.equal(scan('1').depth, 0);
    });

    it('stops counting one level past the limit, however deep the text goes', () => {
      const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000);
      assert.equal(scan(deep).depth, MAX_MESSAGE_DEPTH + 1);
    });

    it('ignores brackets, braces and escaped quotes inside strings', () => {
      assert.equal(scan('{"a":"[[[[{{{{","b":"\\"[[[[","c":"\\\\"}').depth, 1);
    });

    it('finds the top-level id, wherever it is, and only that one', () => {
      const id = '3cf21c64-027a-46c6-aef7-540208d33c93';
      assert.equal(scan(`{"v":1,"id":"${id}","m":{"id":"other"}}`).id, id);
      assert.equal(scan(`{"m":{"id":"other"},"id" : "${id}"}`).id, id);
      assert.equal(scan(`{"m":${'['.repeat(100)}${']'.repeat(100)},"id":"${id}"}`).id, id);
      assert.equal(scan(`{"m":"id","x":"${id}"}`).id, null);
      assert.equal(scan(`{"m":{"id":"${id}"}}`).id, null);
    });
  });
});
