import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { loadConfig, renderConfigDocs, renderConfigYaml } from '../../../core/config/index.js';

const root = new URL('../../../', import.meta.url);

describe('generated configuration files', () => {
  it('docs/configuration.md matches the schema (run `npm run docs` when this fails)', () => {
    assert.equal(readFileSync(new URL('docs/configuration.md', root), 'utf8'), renderConfigDocs());
  });

  it('config.yaml matches the schema (run `npm run docs` when this fails)', () => {
    assert.equal(readFileSync(new URL('config.yaml', root), 'utf8'), renderConfigYaml());
  });

  it('config.yaml sets every key to its default', () => {
    const fromFile = parse(readFileSync(new URL('config.yaml', root), 'utf8'));
    const { config: defaults } = loadConfig({
      configPath: '/dev/null',
      env: {},
      addonOptionsPath: '/nonexistent',
    });
    assert.deepEqual(fromFile, defaults);
  });
});
