// The full panel (<rf-app>). Relative base and relative API URLs: it is served at `/` by the
// core, under Home Assistant ingress (/api/hassio_ingress/<token>/) and behind any proxy prefix.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const ASSETS_DIR = 'assets';

/**
 * Empties what this build writes (index.html and assets/) before it writes it, so hashed bundles
 * of earlier builds do not pile up, and nothing else: the card bundle (vite.card.config.js)
 * shares panel/dist as dist/rf-card.js and must survive an app-only build. Vite's own
 * `emptyOutDir` would delete the whole folder, hence false below.
 */
function emptyOwnOutput() {
  let outDir = '';
  return {
    name: 'rf-empty-own-output',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    buildStart() {
      // Never outside panel/: a misconfigured outDir must not delete anything else.
      if (!outDir.startsWith(join(root, 'dist'))) return;
      rmSync(join(outDir, ASSETS_DIR), { recursive: true, force: true });
      rmSync(join(outDir, 'index.html'), { force: true });
    },
  };
}

export default defineConfig({
  root,
  base: './',
  logLevel: 'warn',
  plugins: [emptyOwnOutput()],
  build: {
    outDir: 'dist',
    assetsDir: ASSETS_DIR,
    emptyOutDir: false,
    target: 'es2022',
    reportCompressedSize: false,
    rollupOptions: { input: fileURLToPath(new URL('index.html', import.meta.url)) },
  },
});
