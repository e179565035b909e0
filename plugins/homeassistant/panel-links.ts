import { PANEL_PAGE_PARAM } from '../sdk/index.js';

/** Home Assistant's own page for an add-on's ingress panel: `<ha>/hassio/ingress/<slug>`. */
const HA_INGRESS_PAGE = /^(https?:\/\/[^/?#]+)(\/hassio\/ingress\/[A-Za-z0-9_-]+)\/*$/;

export interface PanelLinks {
  /** An update entity's `release_url`: the host's page in the panel (absolute http(s), as HA requires). */
  host(agentId: string): string | undefined;
  /** The device's `configuration_url`: the same page. */
  device(agentId: string): string | undefined;
}

/**
 * Links from Home Assistant into the panel, for the address HA's users reach it at
 * (`panelUrl`). The panel on its own address routes by hash (`#/hosts/<id>`). Through HA's
 * ingress page the iframe always opens the add-on's root, so the page goes in that page's
 * query (`?redflag=/hosts/<id>`), which the panel reads from the top window; the device link
 * is `homeassistant://…`, which HA opens on whatever address the user has HA open at (the
 * remote one included), where `release_url` must be absolute.
 */
export function panelLinks(panelUrl: string | null): PanelLinks {
  if (!panelUrl) return { host: () => undefined, device: () => undefined };
  const ingress = HA_INGRESS_PAGE.exec(panelUrl);
  if (ingress) {
    const [, origin, path] = ingress;
    const query = (agentId: string) => `?${PANEL_PAGE_PARAM}=${encodeURIComponent(`/hosts/${agentId}`)}`;
    return {
      host: (agentId) => `${origin}${path}${query(agentId)}`,
      device: (agentId) => `homeassistant:/${path}${query(agentId)}`,
    };
  }
  const base = panelUrl.replace(/\/+$/, '');
  const page = (agentId: string) => `${base}/#/hosts/${agentId}`;
  return { host: page, device: page };
}
