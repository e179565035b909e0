import assert from 'node:assert/strict';
import { readyLine, setupLinkLine } from '../../core/start-lines.js';

describe('core/start-lines (issue 21 §2)', () => {
  it('the setup link is a record of its own with the URL, shown apart in pretty mode', () => {
    const line = setupLinkLine('http://192.168.1.20:8080', 'rfsetup_abc', 24);
    assert.equal(line.fields.setupUrl, 'http://192.168.1.20:8080/#/setup?token=rfsetup_abc');
    assert.equal(line.fields.standOut, 'setupUrl');
    assert.match(line.message, /^No users yet: open this link within 24 h to create the first admin/);
  });

  it('the ready line says where the panel and the API docs are and which MQTT port agents use', () => {
    const line = readyLine({
      baseUrl: 'http://192.168.1.20:8080',
      mqtt: { tcp: 1884, tls: null, websocket: null },
      version: '1.2.3',
    });
    assert.equal(
      line.message,
      'RedFlag core ready (1.2.3): panel http://192.168.1.20:8080/, API docs http://192.168.1.20:8080/api/docs, ' +
        'agents connect to MQTT port 1884',
    );
    assert.equal(line.fields.panelUrl, 'http://192.168.1.20:8080/');
    assert.equal(line.fields.apiDocsUrl, 'http://192.168.1.20:8080/api/docs');
  });

  it('names the TLS and WebSocket ports when they listen', () => {
    const line = readyLine({
      baseUrl: 'https://redflag.lan',
      mqtt: { tcp: 1884, tls: 8884, websocket: 9001 },
      version: '1.2.3',
    });
    assert.match(line.message, /agents connect to MQTT port 1884, 8884 \(TLS\), 9001 \(WebSocket\)$/);
  });
});
