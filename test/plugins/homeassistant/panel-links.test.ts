import assert from 'node:assert/strict';
import { panelLinks } from '../../../plugins/homeassistant/panel-links.js';

const ID = '5f0c9a1e-7d1e-4c1b-9a51-2f8e1d0c3b7a';

/** Issue 26 §1: `release_url` to the host in the panel, wherever HA's users reach the panel. */
describe('homeassistant plugin: links into the panel', () => {
  it('opens the host by hash on the panel’s own address', () => {
    for (const base of ['http://redflag.lan:8080', 'http://redflag.lan:8080/']) {
      const links = panelLinks(base);
      assert.equal(links.host(ID), `http://redflag.lan:8080/#/hosts/${ID}`);
      assert.equal(links.device(ID), `http://redflag.lan:8080/#/hosts/${ID}`);
    }
    assert.equal(
      panelLinks('https://proxy.lan/redflag/').host(ID),
      `https://proxy.lan/redflag/#/hosts/${ID}`,
    );
  });

  it('names the host in the query of Home Assistant’s page for the add-on, whose iframe opens the root', () => {
    const links = panelLinks('https://home.example.com/hassio/ingress/5c53de3b_redflag/');
    const query = `?redflag=%2Fhosts%2F${ID}`;
    assert.equal(links.host(ID), `https://home.example.com/hassio/ingress/5c53de3b_redflag${query}`);
    // The device's Visit link: HA opens homeassistant:// on the address it is open at.
    assert.equal(links.device(ID), `homeassistant://hassio/ingress/5c53de3b_redflag${query}`);
  });

  it('gives no link when the panel’s address is unknown', () => {
    const links = panelLinks(null);
    assert.equal(links.host(ID), undefined);
    assert.equal(links.device(ID), undefined);
  });
});
