import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { PluginModuleEntry } from '../../plugins/sdk/index.js';

/** This RedFlag's own plugins/ folder (next to core/, in the sources and in dist/). */
export const DEFAULT_PLUGIN_DIRECTORY = fileURLToPath(new URL('../../plugins/', import.meta.url));

/**
 * The module of each enabled plugin: `<directory>/<name>/index.js` (a build) or `index.ts` (the
 * sources, run through tsx). Names are checked by the config schema, so none leaves the folder.
 */
export function pluginModules(names: readonly string[], directory: string | null): PluginModuleEntry[] {
  const root = resolve(directory ?? DEFAULT_PLUGIN_DIRECTORY);
  return names.map((name) => {
    const folder = join(root, name);
    return {
      id: `plugins/${name}`,
      load: () => {
        const file = ['index.js', 'index.ts'].map((f) => join(folder, f)).find((f) => existsSync(f));
        if (!file) throw new Error(`no index.js or index.ts in ${folder}`);
        return import(pathToFileURL(file).href);
      },
    };
  });
}
