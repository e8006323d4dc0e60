/**
 * The deployment files, checked statically (no Docker engine here): .env.example lists every setting with its
 * default, compose.yaml sets only real settings and a configuration that loads, and the Dockerfile builds in
 * stages, runs as a non-root user with a health check and copies files that exist. test/e2e/deploy.test.ts
 * runs the image's command with compose.yaml's environment.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KNOWN, loadConfig, SETTING_NAMES } from '../../src/server/config.js';
import { composeEnvironment, dockerfile, readCompose } from './deploy-files.js';

describe('.env.example', () => {
  const lines = readFileSync('.env.example', 'utf8').split('\n');
  const entries = lines.flatMap((line) => {
    const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    return match ? [{ name: match[2]!, value: match[3]!, active: !match[1] }] : [];
  });
  const names = entries.map((e) => e.name);

  it('lists every setting of the config schema (and HOST) once, and nothing that is not a setting', () => {
    assert.deepEqual([...SETTING_NAMES, 'HOST'].filter((name) => !names.includes(name)), [], 'missing from .env.example');
    assert.deepEqual(names.filter((name) => !KNOWN.includes(name)), [], 'not settings');
    assert.deepEqual(names.filter((name, i) => names.indexOf(name) !== i), [], 'listed twice');
  });

  it('states the defaults: its active lines load the same configuration as an empty environment', () => {
    const active = Object.fromEntries(entries.filter((e) => e.active).map((e) => [e.name, e.value]));
    assert.ok(Object.keys(active).length >= 15);
    assert.deepEqual(loadConfig(active), loadConfig({}));
  });
});

describe('compose.yaml', () => {
  const compose = readCompose() as { services: Record<string, Record<string, unknown>> };
  const ours = Object.entries(compose.services).filter(([, s]) => s.build === '.');
  const proxies = ours.filter(([, s]) => !s.command);

  it('runs two proxy instances on PostgreSQL with one configuration, a PostgreSQL and the demo', () => {
    assert.equal(proxies.length, 2);
    const [a, b] = proxies.map(([name]) => composeEnvironment(compose, name));
    assert.deepEqual(a, b, 'the instances differ only in their published port');
    assert.match(a!.DATABASE_URL!, /^postgres:\/\/[^@]+@postgres:5432\//);
    assert.match(String(compose.services.postgres?.image), /^postgres:/);
    assert.ok(ours.some(([, s]) => JSON.stringify(s.command) === JSON.stringify(['node', 'dist/server/main.js', '--demo', 'dist/demo'])), 'the demo');
    const ports = proxies.map(([, s]) => String((s.ports as string[])[0]).split(':').at(-2));
    assert.equal(new Set(ports).size, 2, 'each instance on its own host port');
  });

  it('sets only settings the proxy knows, and each service\'s configuration loads with the image\'s environment', () => {
    for (const [name, service] of ours) {
      const env = composeEnvironment(compose, name);
      assert.deepEqual(Object.keys(env).filter((k) => !KNOWN.includes(k)), [], `${name}: unknown settings`);
      if (JSON.stringify(service.command ?? '').includes('sandbox')) continue;
      assert.doesNotThrow(() => loadConfig({ ...dockerfile().env, ...env }), name);
    }
  });

  it('runs commands whose sources exist', () => {
    for (const [, service] of ours) {
      const script = ((service.command as string[] | undefined) ?? dockerfile().cmd)[1]!;
      assert.ok(existsSync(script.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')), script);
    }
  });
});

describe('Dockerfile', () => {
  const file = dockerfile();

  it('builds in stages and runs the proxy\'s bin as a non-root user, with a health check on /healthz', () => {
    assert.ok(file.stages.length >= 2, 'multi-stage');
    const last = file.stages.at(-1)!;
    assert.match(last.join('\n'), /^USER node$/m);
    assert.doesNotMatch(last.join('\n'), /^USER root/m);
    assert.match(last.join('\n'), /^HEALTHCHECK .*\/healthz/m);
    assert.deepEqual(file.cmd, ['node', 'dist/server/main.js']);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string> };
    assert.equal(pkg.bin['bill-pay-proxy'], file.cmd[1]);
    assert.equal(file.env.NODE_ENV, 'production');
    assert.equal(file.env.HOST, '0.0.0.0');
  });

  it('copies files that exist, keeps secrets and node_modules out of the context, and installs production dependencies only', () => {
    const copied = file.stages.flat().filter((l) => /^COPY (?!--from)/.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1));
    assert.deepEqual(copied.filter((p) => !existsSync(p)), []);
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n');
    for (const entry of ['node_modules', '.env', 'data']) assert.ok(ignored.includes(entry), entry);
    const deps = file.stages.at(-2)!.join('\n');
    assert.match(deps, /npm install --omit=dev/);
  });

  it('its production manifest depends on every package the proxy and the sandbox import', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bill-pay-manifest-'));
    copyFileSync('package.json', join(dir, 'package.json'));
    execFileSync(process.execPath, [join(process.cwd(), 'scripts/production-manifest.mjs')], { cwd: dir });
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: unknown; type: string };
    assert.equal(manifest.type, 'module');
    assert.equal(manifest.devDependencies, undefined);
    const imported = new Set<string>();
    for (const folder of ['src', 'src/server', 'src/server/store', 'src/server/routes', 'src/server/providers', 'src/server/funding', 'src/sandbox', 'src/internal']) {
      if (!existsSync(folder)) continue;
      for (const name of readdirSync(folder).filter((f) => f.endsWith('.ts'))) {
        const text = readFileSync(join(folder, name), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
        for (const m of text.matchAll(/(?:^import (?!type )[^;]*? from |import\()'([^.'][^']*)'/gm)) {
          if (m[1]!.startsWith('node:') || m[1]!.startsWith('bill-pay-widgets')) continue;
          imported.add(m[1]!.startsWith('@') ? m[1]!.split('/').slice(0, 2).join('/') : m[1]!.split('/')[0]!);
        }
      }
    }
    imported.add('prom-client');
    assert.ok(imported.has('hono') && imported.has('pg') && imported.has('better-sqlite3'));
    assert.deepEqual([...imported].filter((name) => !(name in manifest.dependencies)), []);
  });
});
