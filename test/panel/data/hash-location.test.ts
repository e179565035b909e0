import assert from 'node:assert/strict';
import { parseHash } from '../../../panel/src/data/hash-location.js';
import { Toasts } from '../../../panel/src/data/toasts.js';

describe('panel data: hash locations and toasts', () => {
  it('reads the path and the query from the fragment', () => {
    const loc = parseHash('#/updates?severity=high&q=open%20ssl');
    assert.equal(loc.path, '/updates');
    assert.equal(loc.query.get('severity'), 'high');
    assert.equal(loc.query.get('q'), 'open ssl');
    assert.equal(parseHash('').path, '/');
    assert.equal(parseHash('#setup?token=x').path, '/setup');
    assert.equal(parseHash('#/setup?token=rfsetup_a-b_c').query.get('token'), 'rfsetup_a-b_c');
  });

  it('shows one toast per message, at most five', () => {
    const toasts = new Toasts();
    toasts.show('core unreachable');
    toasts.show('core unreachable');
    assert.equal(toasts.items.value.length, 1);
    for (let i = 0; i < 9; i++) toasts.show(`m${i}`);
    assert.equal(toasts.items.value.length, 5);
    toasts.dismiss(toasts.items.value[0]!.id);
    assert.equal(toasts.items.value.length, 4);
  });
});
