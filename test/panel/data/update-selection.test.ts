import assert from 'node:assert/strict';
import {
  isSelected,
  NO_SELECTION,
  selectedCount,
  selectMatching,
  setShown,
  shownState,
  targetOf,
  toggleRow,
  withoutDone,
} from '../../../panel/src/data/update-selection.js';

const page1 = ['1', '2', '3'];
const page2 = ['4', '5'];

describe('panel data: the updates selection', () => {
  it('ticks rows one by one, across pages, and sends their ids', () => {
    let sel = toggleRow(NO_SELECTION, '2', page1);
    sel = toggleRow(sel, '5', page2);
    assert.equal(selectedCount(sel), 2);
    assert.deepEqual(targetOf(sel), { ids: ['2', '5'] });
    assert.equal(shownState(sel, page1), 'some');
    sel = toggleRow(sel, '2', page1);
    assert.deepEqual(targetOf(sel), { ids: ['5'] });
    assert.equal(shownState(sel, page1), 'none');
    assert.equal(targetOf(NO_SELECTION), null, 'nothing to send');
  });

  it('ticks and unticks the page shown without touching rows of other pages', () => {
    let sel = toggleRow(NO_SELECTION, '4', page2);
    sel = setShown(sel, page1, true);
    assert.equal(shownState(sel, page1), 'all');
    assert.equal(selectedCount(sel), 4);
    sel = setShown(sel, page1, false);
    assert.deepEqual(targetOf(sel), { ids: ['4'] });
    assert.equal(shownState(sel, []), 'none');
  });

  it('selects all N matching as the filter itself, and a row unticked then keeps the page less that row', () => {
    const filter = { severity: ['critical' as const], status: ['pending' as const] };
    let sel = selectMatching(filter, 'k', 5000);
    assert.equal(selectedCount(sel), 5000);
    assert.equal(isSelected(sel, 'any-id'), true);
    assert.equal(shownState(sel, page1), 'all');
    assert.deepEqual(targetOf(sel), { filter });
    assert.equal(setShown(sel, page1, true), sel);
    assert.equal(setShown(sel, page1, false), NO_SELECTION);
    sel = toggleRow(sel, '2', page1);
    assert.deepEqual(targetOf(sel), { ids: ['1', '3'] });
  });

  it('keeps refused rows selected after a bulk action, and ends "all matching"', () => {
    const sel = setShown(NO_SELECTION, page1, true);
    assert.deepEqual(targetOf(withoutDone(sel, ['1', '3'], false)), { ids: ['2'] });
    assert.equal(withoutDone(sel, page1, true), NO_SELECTION);
    assert.equal(withoutDone(selectMatching({}, 'k', 3), [], false), NO_SELECTION);
  });
});
