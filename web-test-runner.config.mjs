// Browser tests of the widgets in the system Chromium. The real proxy and the embedded sandbox are
// mounted on the test server, so the widgets talk to the same routes as in production, over HTTP.
// Run through `node --import tsx` (see package.json) so this file can load the TypeScript server.
import { getRequestListener } from '@hono/node-server';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { loadConfig } from './src/server/config.ts';
import { createProxy } from './src/server/proxy.ts';
import { createServerApp } from './src/server/serve.ts';

const env = {
  DATABASE_URL: 'sqlite::memory:',
  UPSTREAM_TIMEOUT_MS: '4000',
  STATUS_RECHECK_MS: '0',
  RATE_LIMIT_PER_MINUTE: '0',
  LOOKUPS_PER_CUSTOMER_PER_MINUTE: '0',
};
const { root } = createServerApp({ config: loadConfig(env), log: () => {} });
const listener = getRequestListener(root.fetch);
// A second merchant with two Dreamer services enabled, at /multi/api (its own embedded sandbox).
const multi = createProxy({
  config: loadConfig({ ...env, DREAMER_SERVICES: 'khamari-khola-electricity:Khamari Khola Electricity,other-hydro:Other Hydro' }),
  log: () => {},
});
const multiListener = getRequestListener((request) => {
  const url = new URL(request.url);
  url.pathname = url.pathname.replace(/^\/multi/, '');
  return multi.fetch(new Request(url, request));
});

export default {
  files: 'test/widgets/**/*.test.ts',
  nodeResolve: true,
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' })],
  middleware: [
    async (ctx, next) => {
      const multiMerchant = ctx.path.startsWith('/multi/api/');
      if (!multiMerchant && !/^\/(api|sandbox)\//.test(ctx.path)) return next();
      ctx.respond = false;
      await (multiMerchant ? multiListener : listener)(ctx.req, ctx.res);
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
