// The full panel (<rf-app>). Relative base and relative API URLs: it is served at `/` by the
// core, under Home Assistant ingress (/api/hassio_ingress/<token>/) and behind any proxy prefix.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    reportCompressedSize: false,
    rollupOptions: { input: fileURLToPath(new URL('index.html', import.meta.url)) },
  },
});
