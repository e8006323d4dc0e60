import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** Builds the demo page (demo/ -> dist/demo). `npm start` serves it with the proxy on one origin. */
export default defineConfig({
  root: resolve(import.meta.dirname, 'demo'),
  build: {
    outDir: resolve(import.meta.dirname, 'dist/demo'),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/sandbox': 'http://127.0.0.1:8080' },
  },
});
