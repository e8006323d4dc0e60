import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** Builds the demo pages (demo/ -> dist/demo): the partner demo and the portal demo. `npm start` serves them with the proxy. */
export default defineConfig({
  root: resolve(import.meta.dirname, 'demo'),
  build: {
    outDir: resolve(import.meta.dirname, 'dist/demo'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        partner: resolve(import.meta.dirname, 'demo/index.html'),
        portal: resolve(import.meta.dirname, 'demo/portal.html'),
      },
    },
  },
  server: {
    proxy: Object.fromEntries(['/api/', '/sandbox/', '/portal/', '/portal-sandbox/'].map((p) => [p, 'http://127.0.0.1:8080'])),
  },
});
