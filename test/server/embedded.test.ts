/** The proxy without the sandbox: the server entry and the tools wire the embedded sandbox in, the proxy does not. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import { createEmbeddedProxy } from '../../src/server/embedded.js';
import * as serverEntry from '../../src/server/index.js';
import { createProxy } from '../../src/server/proxy.js';
import * as sandboxEntry from '../../src/sandbox/index.js';
import { listen, startSandbox, TOKEN } from './harness.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** The modules a source file loads at run time (type-only imports are erased), followed to the end. */
function runtimeImports(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const text = readFileSync(join(root, entry), 'utf8');
  for (const [statement, specifier] of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|^import\s+'(\.[^']+)'/gms)) {
    if (/^(?:import|export)\s+type\s/.test(statement)) continue;
    const target = join(dirname(entry), (specifier ?? statement.match(/'(.+)'/)![1]!).replace(/\.js$/, '.ts'));
    runtimeImports(relative(root, join(root, target)), seen);
  }
  return seen;
}

describe('the proxy and the sandbox', () => {
  it('createProxy loads no sandbox module, and ./server exports no test double', () => {
    const loaded = [...runtimeImports('src/server/proxy.ts')];
    assert.ok(loaded.includes('src/server/payments.ts') && loaded.includes('src/server/routes/services.ts'), 'the walk follows imports');
    assert.deepEqual(loaded.filter((file) => file.startsWith('src/sandbox/') && file !== 'src/sandbox/token.ts'), []);
    assert.deepEqual(['createSandbox', 'createPortalSandbox', 'createEmbeddedProxy'].filter((name) => name in serverEntry), []);
    assert.deepEqual(
      ['createSandbox', 'createPortalSandbox', 'createEmbeddedProxy', 'DEFAULT_SANDBOX_TOKEN'].filter((name) => !(name in sandboxEntry)),
      [],
    );
  });

  it('createProxy without an aggregator says what to configure', () => {
    const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', RECONCILE_INTERVAL_MS: '0' });
    assert.throws(() => createProxy({ config, log: () => {} }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /AGGREGATOR_BASE_URL/);
      assert.match(error.message, /createEmbeddedProxy/);
      return true;
    });
  });

  it('createEmbeddedProxy runs on the embedded sandbox when no aggregator is configured, over HTTP', async () => {
    const proxy = createEmbeddedProxy({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:', RECONCILE_INTERVAL_MS: '0' }), log: () => {} });
    const server = await listen(proxy.fetch);
    try {
      assert.ok(proxy.sandbox);
      const before = proxy.sandbox.state.callCount;
      const counters = await fetch(`${server.url}/api/nea/counters`);
      assert.equal(counters.status, 200);
      assert.equal(proxy.sandbox.state.callCount, before + 1, 'the embedded sandbox answered');
    } finally {
      await server.close();
      await proxy.close();
    }
  });

  it('createEmbeddedProxy leaves a configured aggregator alone', async () => {
    const upstream = await startSandbox();
    const proxy = createEmbeddedProxy({
      config: loadConfig({ AGGREGATOR_BASE_URL: upstream.url, AGGREGATOR_TOKEN: TOKEN, DATABASE_URL: 'sqlite::memory:', RECONCILE_INTERVAL_MS: '0' }),
      log: () => {},
    });
    try {
      assert.equal(proxy.sandbox, null);
      const before = upstream.sandbox.state.callCount;
      assert.equal((await proxy.fetch(new Request('http://proxy.test/api/nea/counters'))).status, 200);
      assert.equal(upstream.sandbox.state.callCount, before + 1, 'the configured aggregator answered');
    } finally {
      await proxy.close();
      await upstream.close();
    }
  });
});
