import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const GUIDE = new URL('../../../docs/development.md', import.meta.url);
const EXAMPLE = new URL('../../fixtures/plugins/test-integration/index.ts', import.meta.url);

/** Issue 22 §4: the integration plugin example in docs/development.md is the tested one. */
describe('docs/development.md: the integration plugin example', () => {
  it('is test/fixtures/plugins/test-integration/index.ts word for word', () => {
    const guide = readFileSync(GUIDE, 'utf8');
    const block =
      /<!-- integration-plugin:start -->\n+```ts\n([\s\S]*?)```\n+<!-- integration-plugin:end -->/.exec(
        guide,
      );
    assert.ok(block, 'docs/development.md has no integration-plugin block');
    assert.equal(block[1], readFileSync(EXAMPLE, 'utf8'));
  });
});
