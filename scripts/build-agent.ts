// `npm run build:agent [-- --out FILE] [--version V]`: the agent bundle as a file, for
// agentBundle.path (images that should not build at start) and for testing an update.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { buildAgentBundle } from '../core/fleet/index.js';
import { CORE_VERSION } from '../core/version.js';

const options = new Command('build-agent')
  .option('--out <file>', 'where to write the bundle', 'dist/redflag-agent.mjs')
  .option('--version <version>', 'the version it reports', CORE_VERSION)
  .parse()
  .opts<{ out: string; version: string }>();

const { code } = await buildAgentBundle({ version: options.version });
const out = resolve(options.out);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code);
const sha256 = createHash('sha256').update(code).digest('hex');
console.log(`wrote ${out}: redflag-agent ${options.version}, ${code.length} bytes, sha256 ${sha256}`);
