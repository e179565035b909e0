import assert from 'node:assert/strict';
import { linkedPage } from '../../../panel/src/data/linked-page.js';

/** A window as far as linkedPage reads it: its own location, and a top window's (or a refusal). */
function frame(own: { hash?: string; search?: string }, top?: { search: string } | 'other-origin'): Window {
  const win = { location: { hash: own.hash ?? '', search: own.search ?? '' } } as unknown as {
    location: Location;
    top: unknown;
  };
  if (top === undefined) win.top = win;
  else if (top === 'other-origin')
    win.top = {
      get location(): Location {
        throw new DOMException('Blocked a frame from accessing a cross-origin frame.', 'SecurityError');
      },
    };
  else win.top = { location: top };
  return win as unknown as Window;
}

describe('panel data: the page a link from outside names (?redflag=)', () => {
  it('takes the page from Home Assistant’s address when the panel opens at its root in HA’s iframe', () => {
    assert.equal(linkedPage(frame({}, { search: '?redflag=%2Fhosts%2Fab-12' })), '/hosts/ab-12');
    assert.equal(linkedPage(frame({ hash: '#/' }, { search: '?x=1&redflag=/updates' })), '/updates');
    // The panel on its own address takes it from its own query.
    assert.equal(linkedPage(frame({ search: '?redflag=/hosts/ab-12' })), '/hosts/ab-12');
  });

  it('leaves a panel that is already on a page where it is', () => {
    assert.equal(linkedPage(frame({ hash: '#/history' }, { search: '?redflag=/hosts/ab-12' })), null);
  });

  it('names nothing for a top window of another origin, no parameter, or anything but a page path', () => {
    assert.equal(linkedPage(frame({}, 'other-origin')), null);
    assert.equal(linkedPage(frame({}, { search: '' })), null);
    for (const bad of ['hosts/x', 'javascript:alert(1)', '//evil.example/', '/hosts/x?y=1', '/a b'])
      assert.equal(linkedPage(frame({}, { search: `?redflag=${encodeURIComponent(bad)}` })), null, bad);
  });
});
