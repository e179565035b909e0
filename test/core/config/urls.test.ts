import assert from 'node:assert/strict';
import { hostname, type NetworkInterfaceInfo } from 'node:os';
import { lanBaseUrl } from '../../../core/config/index.js';

function nic(address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo {
  return {
    address,
    family,
    internal,
    netmask: '',
    mac: '',
    cidr: null,
    ...(family === 'IPv6' ? { scopeid: 0 } : {}),
  } as NetworkInterfaceInfo;
}

const interfaces = {
  lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
  eth0: [nic('fe80::1', 'IPv6'), nic('192.168.1.20', 'IPv4')],
  docker0: [nic('172.17.0.1', 'IPv4')],
};

function http(host: string, publicUrl: string | null = null) {
  return { http: { host, port: 8080, publicUrl, corsOrigins: [] } };
}

describe('core/urls lanBaseUrl (issue 21 §2)', () => {
  it('uses the first LAN IPv4 address when the core listens on every address', () => {
    assert.equal(lanBaseUrl(http('0.0.0.0'), interfaces), 'http://192.168.1.20:8080');
    assert.equal(lanBaseUrl(http('::'), interfaces), 'http://192.168.1.20:8080');
  });

  it('skips loopback and link-local addresses, and falls back to the host name without a LAN address', () => {
    const lonely = { lo: interfaces.lo, eth0: [nic('169.254.3.4', 'IPv4')] };
    assert.equal(lanBaseUrl(http('0.0.0.0'), lonely), `http://${hostname()}:8080`);
  });

  it('uses the address the core is bound to', () => {
    assert.equal(lanBaseUrl(http('10.0.0.5'), interfaces), 'http://10.0.0.5:8080');
    assert.equal(lanBaseUrl(http('fd00::5'), interfaces), 'http://[fd00::5]:8080');
  });

  it('uses http.publicUrl when it is set', () => {
    assert.equal(lanBaseUrl(http('0.0.0.0', 'https://redflag.lan/'), interfaces), 'https://redflag.lan');
  });
});
