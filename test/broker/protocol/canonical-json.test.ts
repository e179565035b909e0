import assert from 'node:assert/strict';
import { CANONICAL_JSON_MAX_DEPTH, canonicalJson } from '../../../broker/protocol/index.js';

describe('broker/protocol canonicalJson', () => {
  it('writes sorted keys at every depth and no whitespace', () => {
    const value = { b: 1, a: { d: [3, { z: true, y: null }], c: 'x y' } };
    assert.equal(canonicalJson(value), '{"a":{"c":"x y","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('does not depend on the order keys were inserted in', () => {
    const one = { id: 'x', params: { packages: ['b', 'a'], plugin: 'apt' }, attempt: 1 };
    const two = { attempt: 1, params: { plugin: 'apt', packages: ['b', 'a'] }, id: 'x' };
    assert.equal(canonicalJson(one), canonicalJson(two));
  });

  it('keeps array order, which is meaning', () => {
    assert.notEqual(canonicalJson(['a', 'b']), canonicalJson(['b', 'a']));
  });

  it('round-trips through JSON.parse', () => {
    const value = { s: 'line\n"quoted"\u001b\u00e9\ud83d\ude00', n: [0, -1.5, 1e21, 2 ** 53], e: {}, a: [] };
    assert.deepEqual(JSON.parse(canonicalJson(value)), value);
  });

  it('sorts keys by UTF-16 code units, like RFC 8785', () => {
    assert.equal(canonicalJson({ é: 1, z: 2, Z: 3, '10': 4, '9': 5 }), '{"10":4,"9":5,"Z":3,"z":2,"é":1}');
  });

  it('leaves out members whose value is undefined', () => {
    assert.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}');
  });

  it('encodes a value shared by two members (not a cycle)', () => {
    const shared = { x: 1 };
    assert.equal(canonicalJson({ a: shared, b: [shared] }), '{"a":{"x":1},"b":[{"x":1}]}');
  });

  describe('refuses what JSON cannot carry unambiguously', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    const cyclicArray: unknown[] = [];
    cyclicArray.push(cyclicArray);
    let deep: unknown = 'bottom';
    for (let i = 0; i < CANONICAL_JSON_MAX_DEPTH + 1; i++) deep = [deep];
    const cases: Record<string, unknown> = {
      NaN: { n: NaN },
      Infinity: [Infinity],
      '-Infinity': -Infinity,
      'a cycle through objects': cyclic,
      'a cycle through arrays': cyclicArray,
      'a function': { f: () => 1 },
      'a bigint': { n: 1n },
      'a symbol': { s: Symbol('x') },
      'undefined at the top': undefined,
      'undefined in an array': [1, undefined],
      'a Date': { at: new Date(0) },
      'a Map': new Map([['a', 1]]),
      'a Buffer': { b: Buffer.from('x') },
      'nesting deeper than the limit': deep,
    };
    for (const [what, value] of Object.entries(cases)) {
      it(what, () => assert.throws(() => canonicalJson(value), /canonicalJson/));
    }
  });
});
