/**
 * The package as npm publishes and installs it: the files it ships, and a widget-only install into an empty
 * project (no native build, few packages), then the proxy's own packages named when they are missing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  name: string;
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};
const npm = (args: string[], cwd: string) => run('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, maxBuffer: 16 << 20 });

/** What `npm pack` puts in the tarball (after `npm run build`, which test:e2e runs first). */
async function packedFiles(): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { maxBuffer: 16 << 20 });
  return (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
}

describe('npm pack', () => {
  it('ships the dist entry points, the manifest and the README, and no sources, tests, demo or secrets', async () => {
    const files = await packedFiles();
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : [t.types, t.default]));
    const expected = [...targets, ...Object.values(pkg.bin)].map((p) => p.replace(/^\.\//, ''));
    assert.deepEqual(expected.filter((p) => !files.includes(p)), [], 'every export and bin is in the tarball');
    for (const required of ['package.json', 'README.md', 'custom-elements.json', 'dist/index.js', 'dist/server/main.js']) {
      assert.ok(files.includes(required), required);
    }
    const unwanted = files.filter((p) =>
      /^(src|test|demo|scripts|dist\/demo|node_modules)\/|\.test\.|\.env|\.sqlite|\.tgz$|tsconfig|vite\.config|compose\.yaml|Dockerfile/.test(p),
    );
    assert.deepEqual(unwanted, []);
    assert.ok(!('private' in pkg), 'publishable: no "private"');
    assert.equal(pkg.exports['./package.json'], './package.json');
  });
});

describe('a widget-only install', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bill-pay-install-'));
  const app = join(dir, 'app');
  let offline: string | false = false;

  before(async () => {
    try {
      await run('npm', ['ping', '--loglevel=error'], { timeout: 15_000 });
    } catch (error) {
      offline = `the npm registry is unreachable (${(error as Error).message.split('\n')[0]}): install tests skipped`;
      return;
    }
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir, '--loglevel=error'], { maxBuffer: 16 << 20 });
    const tarball = join(dir, (JSON.parse(stdout) as { filename: string }[])[0]!.filename);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'merchant-site', private: true, type: 'module' }));
    await npm(['install', tarball], app);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs at most 12 packages, none with an install script, and no database driver or server package', (t) => {
    if (offline) return t.skip(offline);
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean }>;
    };
    const installed = Object.keys(lock.packages).filter((p) => p !== '');
    assert.ok(installed.length <= 12, `${installed.length} packages: ${installed.join(', ')}`);
    assert.deepEqual(installed.filter((p) => lock.packages[p]!.hasInstallScript), [], 'no install scripts (no native build)');
    for (const name of ['better-sqlite3', 'pg', 'hono', '@hono/node-server', 'jose', 'kysely']) {
      assert.ok(!existsSync(join(app, 'node_modules', name)), `${name} not installed`);
    }
    assert.ok(!existsSync(join(app, 'node_modules', pkg.name, 'build')), 'nothing built');
  });

  it('the widget entry imports in Node and defines the three elements', async (t) => {
    if (offline) return t.skip(offline);
    const script = `await import('${pkg.name}'); console.log(['nea-pay', 'dreamer-pay', 'dishhome-recharge'].map((n) => typeof customElements.get(n)).join())`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: app });
    assert.equal(stdout.trim(), 'function,function,function');
  });

  it('bill-pay-proxy names the packages to install: the proxy\'s, then the ledger driver', async (t) => {
    if (offline) return t.skip(offline);
    const start = async () => {
      const env = { ...process.env, PORT: '0', DATABASE_URL: `sqlite:${join(app, 'ledger.sqlite')}`, RECONCILE_INTERVAL_MS: '0' };
      const proxy = run(process.execPath, [join(app, 'node_modules/.bin/bill-pay-proxy')], { cwd: app, env, timeout: 20_000 });
      const failed = (await proxy.then(() => null, (e: { code: number; stderr: string }) => e))!;
      assert.ok(failed, 'the proxy must not start');
      assert.equal(failed.code, 1);
      return failed.stderr.trim();
    };
    assert.match(await start(), /^bill-pay-proxy: cannot start: the proxy needs \S+: npm install hono @hono\/node-server jose kysely$/);
    await npm(['install', 'hono', '@hono/node-server', 'jose', 'kysely'], app);
    assert.equal(
      await start(),
      `bill-pay-proxy: cannot start: DATABASE_URL=sqlite:${join(app, 'ledger.sqlite')} needs better-sqlite3: npm install better-sqlite3`,
    );
  });
});
