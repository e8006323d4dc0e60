// Browser tests of the widgets in the system Chromium. The real proxy and the embedded sandbox are
// mounted on the test server, so the widgets talk to the same routes as in production, over HTTP.
// Run through `node --import tsx` (see package.json) so this file can load the TypeScript server.
import { getRequestListener } from '@hono/node-server';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { loadConfig } from './src/server/config.ts';
import { createServerApp } from './src/server/serve.ts';

const { root } = createServerApp({
  config: loadConfig({
    DATABASE_URL: 'sqlite::memory:',
    UPSTREAM_TIMEOUT_MS: '4000',
    STATUS_RECHECK_MS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
  }),
  log: () => {},
});
const listener = getRequestListener(root.fetch);

export default {
  files: 'test/widgets/**/*.test.ts',
  nodeResolve: true,
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' })],
  middleware: [
    async (ctx, next) => {
      if (!/^\/(api|sandbox)\//.test(ctx.path)) return next();
      ctx.respond = false;
      await listener(ctx.req, ctx.res);
    },
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
  ],
};
