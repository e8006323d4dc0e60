import { loadConfig } from '../src/server/config.js';
import { createEmbeddedProxy } from '../src/server/embedded.js';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { TrieRouter } from 'hono/router/trie-router';
const proxy = createEmbeddedProxy({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:', RECONCILE_INTERVAL_MS: '0' }), log: () => {} });
const routes = (proxy.app as any).routes as { method: string; path: string; handler: unknown }[];
for (const [name, R] of [['trie', TrieRouter], ['regexp', RegExpRouter]] as const) {
  const r = new (R as any)();
  for (const x of routes) if (!(name === 'regexp' && x.path === '/api/payments/history')) r.add(x.method, x.path === '/*' ? '*' : x.path, x.handler);
  r.match('POST', '/api/nea/lookup');
  for (let k = 0; k < 3; k++) { const t = process.cpuUsage(); for (let i = 0; i < 200000; i++) r.match('POST', '/api/nea/lookup'); const u = process.cpuUsage(t); console.log(name, ((u.user + u.system) / 200000).toFixed(3), 'us/match'); }
}
await proxy.close();
