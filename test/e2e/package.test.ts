/** The built package works the way a merchant uses it: widgets and proxy from separate exports. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

describe('built package', () => {
  it('exports the proxy from ./server and the sandboxes from ./sandbox, runnable with plain node', async () => {
    // Resolved at run time through package.json "exports" (dist/ exists only after the build).
    const [serverEntry, sandboxEntry] = ['bill-pay-widgets/server', 'bill-pay-widgets/sandbox'];
    const server = (await import(serverEntry)) as typeof import('../../src/server/index.js');
    const sandboxes = (await import(sandboxEntry)) as typeof import('../../src/sandbox/index.js');
    assert.deepEqual(['createSandbox', 'createPortalSandbox'].filter((name) => name in server), [], 'no test doubles in ./server');
    assert.equal(typeof sandboxes.createSandbox, 'function');
    assert.equal(typeof sandboxes.createPortalSandbox, 'function');
    const config = server.loadConfig({ DATABASE_URL: 'sqlite::memory:' });
    assert.throws(() => server.createProxy({ config, log: () => {} }), /AGGREGATOR_BASE_URL/);
    const proxy = sandboxes.createEmbeddedProxy({ config, log: () => {} });
    const response = await proxy.fetch(new Request('http://merchant.example/api/nea/counters'));
    assert.equal(response.status, 200);
    const body = (await response.json()) as { data: { response: { counters: unknown[] } } };
    assert.ok(body.data.response.counters.length > 3);
    await proxy.close();
  });

  it('exports the widgets as browser ESM that imports no server code, and names the manifest', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, { default: string }>; customElements: string };
    assert.equal(pkg.customElements, 'custom-elements.json');
    const entry = readFileSync(pkg.exports['.']!.default, 'utf8');
    assert.match(entry, /nea-pay\.js/);
    const element = readFileSync('dist/nea-pay.js', 'utf8');
    assert.match(element, /customElement\('nea-pay'\)|customElements\.define|"nea-pay"|'nea-pay'/);
    for (const file of ['dist/index.js', 'dist/nea-pay.js', 'dist/internal/flow.js', 'dist/internal/client.js']) {
      assert.doesNotMatch(readFileSync(file, 'utf8'), /server\/|sandbox\/|node:/, file);
    }
  });

  it("names in custom-elements.json only modules that the build writes (the package's dist/*.js)", () => {
    const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8')) as { modules: { path: string }[] };
    const paths = JSON.stringify(manifest).match(/"(?:path|module)":"[^"]+"/g)!.map((m) => m.split('"')[3]!);
    assert.ok(manifest.modules.length > 10);
    assert.deepEqual([...new Set(paths)].filter((p) => !/^dist\/.*\.js$/.test(p) || !existsSync(p)), [], 'every module path exists after the build');
  });
});
