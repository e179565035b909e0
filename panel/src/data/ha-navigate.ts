/**
 * Follows a link the way Home Assistant's own links do when it points into Home Assistant (the
 * add-on's panel page, `release_url` in the add-on): HA's frontend changes its route on
 * `history.pushState` and a `location-changed` event on the window (its `navigate()`), with no
 * reload of the whole frontend. Returns false for anything else (another address, a click that
 * opens a new tab or window), which the browser then follows as a plain link.
 */
export function followInsideHa(win: Window, event: MouseEvent, href: string): boolean {
  if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return false;
  const target = new URL(href, win.location.href);
  if (target.origin !== win.location.origin) return false;
  event.preventDefault();
  win.history.pushState(null, '', `${target.pathname}${target.search}${target.hash}`);
  win.dispatchEvent(new CustomEvent('location-changed', { detail: { replace: false } }));
  return true;
}
