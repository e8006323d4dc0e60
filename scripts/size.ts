/**
 * Size budget, measured as a consumer's bundler builds the package: the package's `dist` is built (as
 * `npm run build` does: scripts/build.ts, tsc then the css/html templates minified, into a scratch directory), then each element's `dist/<tag>.js` and `dist/index.js` is
 * bundled with its dependencies (vite/rolldown, minified), and each chunk gzipped at level 9. The initial load
 * is what a page fetches before anything lazy: the entry chunk and the chunks it imports statically. Lazy
 * chunks (the steps after the lookup, Nepali, the portal themes) are listed, not counted.
 *
 *   npx tsx scripts/size.ts [--enforce] [--without-zod] [--no-build]
 *
 * --enforce: exits non-zero when an initial load is over its budget (12 KB per element, 15 KB all three): `npm test`
 * runs it. --without-zod: zod stays external (not counted; none of the widgets' modules imports it now). --no-build:
 * reuses the scratch dist (`.size-dist/`) of an earlier run, which is otherwise removed at the end.
 */
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { build, type Rolldown } from 'vite';
import { SERVICE_TAGS } from '../src/services.js';
import { buildPackage } from './build.js';

const root = resolve(import.meta.dirname, '..');
/** Inside the project, so the built modules resolve lit & co from its node_modules as a consumer's would. */
const dist = join(root, '.size-dist');
const args = new Set(process.argv.slice(2));
const withoutZod = args.has('--without-zod');

/** Budgets (issue 13): each element's initial load, and all three together. */
export const BUDGET_ELEMENT = 12 * 1024;
export const BUDGET_ALL = 15 * 1024;
interface Entry {
  name: string;
  file: string;
  budget: number;
}

/** Each service's element (registry: src/services.ts), then all of them together. */
const ENTRIES: Entry[] = [
  ...SERVICE_TAGS.map((tag) => ({ name: `<${tag}>`, file: `${tag}.js`, budget: BUDGET_ELEMENT })),
  { name: 'all of them (index.js)', file: 'index.js', budget: BUDGET_ALL },
];

const reuse = args.has('--no-build') && existsSync(dist);
if (!reuse) {
  rmSync(dist, { recursive: true, force: true });
  // The package's own build of the browser modules (scripts/build.ts: tsconfig.build.json, templates minified), as published.
  buildPackage(dist, ['--declaration', 'false']);
}

const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;

interface Measured {
  file: string;
  min: number;
  gzip: number;
  brotli: number;
}

async function measure(chunk: Rolldown.OutputChunk): Promise<Measured> {
  // Vite's library mode keeps whitespace in ES output (for downstream tree-shaking); a page ships it minified.
  const { code } = await transform(chunk.code, { minify: true, format: 'esm', target: 'es2022' });
  return { file: chunk.fileName, min: code.length, gzip: gzipSync(code, { level: 9 }).length, brotli: brotliCompressSync(code).length };
}

let over = false;
const rows: string[] = [];
for (const { name, file, budget } of ENTRIES) {
  const result = (await build({
    configFile: false,
    logLevel: 'silent',
    root,
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry: join(dist, file), formats: ['es'] },
      rolldownOptions: withoutZod ? { external: [/^zod(\/|$)/] } : {},
    },
  })) as Rolldown.RolldownOutput[];
  const chunks = new Map(result[0]!.output.filter((o): o is Rolldown.OutputChunk => o.type === 'chunk').map((c) => [c.fileName, c]));
  const entry = [...chunks.values()].find((c) => c.isEntry)!;
  // The initial load: the entry and everything it imports statically, transitively.
  const initial = new Set<string>();
  const visit = (f: string) => {
    if (initial.has(f) || !chunks.has(f)) return;
    initial.add(f);
    for (const i of chunks.get(f)!.imports) visit(i);
  };
  visit(entry.fileName);
  const measured = await Promise.all([...chunks.values()].map(measure));
  const first = measured.filter((m) => initial.has(m.file));
  const lazy = measured.filter((m) => !initial.has(m.file));
  const total = (key: 'min' | 'gzip' | 'brotli') => first.reduce((sum, m) => sum + m[key], 0);
  const gzip = total('gzip');
  const verdict = gzip <= budget ? `within budget ${kb(budget)}` : `OVER budget ${kb(budget)} by ${kb(gzip - budget)}`;
  over ||= gzip > budget;
  console.log(`${name} initial${withoutZod ? ' (zod external)' : ''}: ${kb(total('min'))} min, ${kb(gzip)} gzip, ${kb(total('brotli'))} brotli (${first.length} chunk${first.length > 1 ? 's' : ''}) ${verdict}`);
  for (const m of lazy) console.log(`  lazy ${m.file}: ${kb(m.min)} min, ${kb(m.gzip)} gzip, ${kb(m.brotli)} brotli`);
  rows.push(`| ${name} | ${kb(gzip)} | ${kb(total('brotli'))} | ${kb(budget)} |`);
}
if (!args.has('--no-build')) rmSync(dist, { recursive: true, force: true });
console.log(['', '| entry | initial gzip | initial brotli | budget |', '| --- | --- | --- | --- |', ...rows].join('\n'));

if (over && args.has('--enforce')) {
  console.error('\nOver the size budget (see above).');
  process.exit(1);
}
