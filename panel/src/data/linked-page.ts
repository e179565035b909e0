import { PANEL_PAGE_PARAM } from './api-types.js';

/** A page of the panel: a hash route such as `/hosts/<id>`, nothing that could leave the panel. */
const PAGE = /^(\/[A-Za-z0-9_.-]{1,100}){0,5}\/?$/;

/**
 * The page a link from outside asks for (`?redflag=/hosts/<id>`), when the panel opens at its
 * root. Home Assistant's ingress page always loads the add-on's root in its iframe, so a link
 * there (an update entity's `release_url`) names the page in HA's own address: the top window,
 * which is the same origin as the panel under ingress. A top window of another origin cannot
 * be read and names nothing.
 */
export function linkedPage(win: Window): string | null {
  if (win.location.hash.replace(/^#\/?/, '') !== '') return null; // the panel was already on a page
  for (const query of [win.location.search, topQuery(win)]) {
    const page = new URLSearchParams(query ?? '').get(PANEL_PAGE_PARAM);
    if (page && PAGE.test(page)) return page;
  }
  return null;
}

function topQuery(win: Window): string | null {
  try {
    return win.top && win.top !== win ? win.top.location.search : null;
  } catch {
    return null; // another origin's page
  }
}
