// Regenerates the files derived from schemas; a test fails when they are stale.
import { writeFileSync } from 'node:fs';
import { renderConfigDocs, renderConfigYaml } from '../core/config/index.js';

writeFileSync('config.yaml', renderConfigYaml());
writeFileSync('docs/configuration.md', renderConfigDocs());
console.log('wrote config.yaml, docs/configuration.md');
