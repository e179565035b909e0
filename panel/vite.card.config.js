// The Lovelace card (<rf-card>): one self-contained ES module at a stable name, dist/rf-card.js,
// so Home Assistant (or Homepage, Homarr, Dashy) loads it as a resource by URL.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    reportCompressedSize: false,
    lib: {
      entry: fileURLToPath(new URL('src/card.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'rf-card.js',
    },
  },
});
