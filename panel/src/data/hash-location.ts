import { Store } from './store.js';

export interface PanelLocation {
  /** `/updates`, `/hosts/abc`: what @lit-labs/router's Routes match in <rf-app>. */
  path: string;
  query: URLSearchParams;
}

/**
 * Hash routing (`#/updates?severity=high`): the server only ever serves index.html at the panel's
 * base, so it works under Home Assistant ingress and any proxy prefix with no server routes. The
 * fragment never reaches a server, which also keeps the setup token out of logs.
 */
export class HashLocation {
  readonly current: Store<PanelLocation>;

  constructor(private readonly win: Pick<Window, 'location' | 'addEventListener' | 'history'>) {
    this.current = new Store(parseHash(win.location.hash));
    win.addEventListener('hashchange', () => this.current.set(parseHash(win.location.hash)));
  }

  /** A link target: `#/path?query`, relative, so it works under any prefix. */
  href(path: string, query: Record<string, string | undefined> | URLSearchParams = {}): string {
    const params = query instanceof URLSearchParams ? query : new URLSearchParams();
    if (!(query instanceof URLSearchParams))
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
    const qs = params.toString();
    return `#${path}${qs ? `?${qs}` : ''}`;
  }

  go(path: string, query: Record<string, string | undefined> | URLSearchParams = {}): void {
    this.win.location.hash = this.href(path, query).slice(1);
  }

  /** Opens a page in place of the current one, with no history entry (a link from outside). */
  replace(path: string): void {
    const href = this.href(path);
    this.win.history.replaceState(null, '', href);
    this.current.set(parseHash(href));
  }

  /** Changes the query without a history entry (filters typed into a page). */
  replaceQuery(query: Record<string, string | undefined> | URLSearchParams): void {
    const href = this.href(this.current.value.path, query);
    this.win.history.replaceState(null, '', href);
    this.current.set(parseHash(href));
  }
}

export function parseHash(hash: string): PanelLocation {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = (q === -1 ? raw : raw.slice(0, q)) || '/';
  return {
    path: path.startsWith('/') ? path : `/${path}`,
    query: new URLSearchParams(q === -1 ? '' : raw.slice(q + 1)),
  };
}
