// `npm run build [-- --out DIR]`: the core, agent and plugins compiled to JavaScript
// (tsc -p tsconfig.build.json), plus the files the core serves that are not TypeScript, so the
// output runs with only package.json and node_modules beside it (an image without the sources):
// `node dist/core/cli.js serve`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { dumpNewPgliteDataDir, pgliteTemplatePath } from '../core/db/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * Copied to the same place under the output as in the sources, where the compiled code looks
 * for them (core/fleet/install-script.ts, core/api/routes/panel.ts). `optional`: built by
 * another step (npm run build:panel); without it the core serves the API and says so at `/`.
 */
const ASSETS: Array<{ path: string; optional?: string }> = [
  { path: 'agent/install/install.sh' },
  { path: 'panel/dist', optional: 'the panel is not built: run `npm run build:panel` first to include it' },
];

const options = new Command('build')
  .option('--out <dir>', 'output directory', 'dist')
  .parse()
  .opts<{ out: string }>();
const out = resolve(options.out);

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(
  process.execPath,
  [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out],
  {
    stdio: 'inherit',
  },
);
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

for (const asset of ASSETS) {
  const from = join(root, asset.path);
  if (!existsSync(from)) {
    if (!asset.optional) {
      console.error(`build: ${asset.path} is missing`);
      process.exit(1);
    }
    console.warn(`build: ${asset.optional}`);
    continue;
  }
  cpSync(from, join(out, asset.path), { recursive: true, force: true });
}
// A new embedded database to copy on first start instead of running initdb, which peaks above
// 700 MB (core/db/pglite.ts): made here, on the build machine, by the PGlite it ships with.
const template = pgliteTemplatePath(undefined, join(out, 'core/db'));
writeFileSync(template, await dumpNewPgliteDataDir());
console.log(`built ${out}`);
