// Regenerates the files derived from schemas; a test fails when they are stale.
import { writeFileSync } from 'node:fs';
import { renderConfigDocs, renderConfigYaml } from '../core/config/index.js';
import { renderPackageStatesDoc } from '../core/updates/index.js';

writeFileSync('config.yaml', renderConfigYaml());
writeFileSync('docs/configuration.md', renderConfigDocs());
writeFileSync('docs/package-states.md', renderPackageStatesDoc());
console.log('wrote config.yaml, docs/configuration.md, docs/package-states.md');
