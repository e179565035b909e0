// `npm run bench`: runs every test/bench/*.bench.ts in turn. Each bench measures RedFlag
// and a reference in the same run and prints ratios, so results compare across machines.
import { readdirSync } from 'node:fs';

const only = process.argv[2];
const dir = new URL('./', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only)))
  .sort();
for (const file of files) {
  console.log(`\n# ${file}`);
  const bench = (await import(new URL(file, dir).href)) as { run(): Promise<void> };
  await bench.run();
}
