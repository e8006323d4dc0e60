import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import { minifyTemplates } from './scripts/build.js';

const src = resolve(import.meta.dirname, 'src');

/**
 * Builds the demo pages (demo/ -> dist/demo): the partner demo and the portal demo. `npm start` serves them with the proxy.
 * The widgets' modules get their `css` and `html` templates minified as the package's build does (scripts/build.ts),
 * so the e2e tests on the demo run the templates as published.
 */
export default defineConfig({
  root: resolve(import.meta.dirname, 'demo'),
  plugins: [
    {
      name: 'minify-templates',
      apply: 'build',
      enforce: 'post',
      transform(code, id) {
        if (id.startsWith(src) && /\.ts$/.test(id)) return { code: minifyTemplates(code, id), map: null };
      },
    },
  ],
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
