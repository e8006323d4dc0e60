// Browser tests of the widgets in the system Chromium. The real proxy and the embedded sandbox are
// mounted on the test server, so the widgets talk to the same routes as in production, over HTTP.
// Run through `node --import tsx` (see package.json) so this file can load the TypeScript server.
import { createServer as createNetServer } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { SignJWT } from 'jose';
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { loadConfig } from './src/server/config.ts';
import { createEmbeddedProxy } from './src/server/embedded.ts';
import { createServerApp } from './src/server/serve.ts';

// The proxies know their own origin only from configuration (PUBLIC_ORIGIN), so the test server's port
// is chosen here, before the proxies are made: a free one, as the runner would pick.
const port = await new Promise((resolve, reject) => {
  const probe = createNetServer().once('error', reject);
  probe.listen(0, 'localhost', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const env = {
  PUBLIC_ORIGIN: `http://localhost:${port}`,
  DATABASE_URL: 'sqlite::memory:',
  // Short, so the sandbox's hanging answers (its `hang` faults) time out in a second, not four.
  UPSTREAM_TIMEOUT_MS: '1000',
  STATUS_RECHECK_MS: '0',
  RATE_LIMIT_PER_MINUTE: '0',
  LOOKUPS_PER_CUSTOMER_PER_MINUTE: '0',
  // As the demo: a sandbox balance first (the widget's default choice), and the embedded Khalti and eSewa
  // sandboxes (mounted at /sandbox/khalti and /sandbox/esewa by the server app).
  FUNDING: 'host,khalti,esewa',
};
const { root } = createServerApp({ config: loadConfig(env), log: () => {} });
const listener = getRequestListener(root.fetch);
// A second merchant with two Dreamer services enabled, at /multi/api (its own embedded sandbox).
const multi = createEmbeddedProxy({
  config: loadConfig({ ...env, DREAMER_SERVICES: 'khamari-khola-electricity:Khamari Khola Electricity,other-hydro:Other Hydro' }),
  log: () => {},
});
const underPrefix = (prefix, proxy) =>
  getRequestListener((request) => {
    const url = new URL(request.url);
    url.pathname = url.pathname.slice(prefix.length);
    return proxy.fetch(new Request(url, request));
  });
const multiListener = underPrefix('/multi', multi);
// A merchant that requires the portal's access tokens, at /auth/api; /auth/token mints them for the tests.
const SECRET = 'portal-access-token-secret-for-browser-tests';
const authed = createEmbeddedProxy({ config: loadConfig({ ...env, AUTH_JWT_SECRET: SECRET }), log: () => {} });
const authListener = underPrefix('/auth', authed);
const mint = (sub, ttl) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
    .sign(new TextEncoder().encode(SECRET));

export default {
  files: 'test/widgets/**/*.test.ts',
  port,
  nodeResolve: true,
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  plugins: [esbuildPlugin({ ts: true, tsconfig: 'tsconfig.json', target: 'es2022' })],
  middleware: [
    async (ctx, next) => {
      if (ctx.path === '/auth/token') {
        ctx.body = { token: await mint(ctx.query.sub ?? 'consumer', Number(ctx.query.ttl ?? 300)) };
        return;
      }
      const route = ctx.path.startsWith('/multi/api/')
        ? multiListener
        : ctx.path.startsWith('/auth/api/')
          ? authListener
          : /^\/(api|sandbox)\//.test(ctx.path)
            ? listener
            : null;
      if (!route) return next();
      ctx.respond = false;
      await route(ctx.req, ctx.res);
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
