import assert from 'node:assert/strict';
import { formatPluginSettings, parsePluginSettings } from '../../../panel/src/data/plugin-settings.js';

describe('panel data: plugin settings text', () => {
  it('takes a JSON object, and an empty text as no settings', () => {
    assert.deepEqual(parsePluginSettings('{"updateBeforeScan": false}'), {
      ok: true,
      settings: { updateBeforeScan: false },
    });
    assert.deepEqual(parsePluginSettings('  '), { ok: true, settings: {} });
  });

  it('says what is wrong with anything else', () => {
    const broken = parsePluginSettings('{"a": 1,');
    assert.equal(broken.ok, false);
    assert.match(!broken.ok ? broken.error : '', /^not JSON/);
    for (const text of ['[1, 2]', '"apt"', 'null', '3']) {
      const r = parsePluginSettings(text);
      assert.equal(r.ok, false, text);
      assert.match(!r.ok ? r.error : '', /JSON object/);
    }
  });

  it('shows the settings indented, {} for none', () => {
    assert.equal(formatPluginSettings({}), '{}');
    assert.equal(formatPluginSettings({ a: 1 }), '{\n  "a": 1\n}');
  });
});
