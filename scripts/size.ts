/**
 * Size budget: builds each widget entry for production (minified, lit and zod/mini bundled in) and
 * prints raw, gzip and brotli sizes. Lazy chunks (other locales) are listed on their own lines.
 * Exits non-zero only with --enforce when an entry's initial load is over its budget.
 */
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { build, type Rolldown } from 'vite';
import { SERVICE_TAGS } from '../src/services.js';

interface Entry {
  name: string;
  entry: string;
  budgetGzip: number;
}

/** Each service's element (registry: src/services.ts), then all of them together. */
const ENTRIES: Entry[] = [
  ...SERVICE_TAGS.map((tag) => ({ name: `<${tag}>`, entry: `src/${tag}.ts`, budgetGzip: 14 * 1024 })),
  { name: 'all of them', entry: 'src/index.ts', budgetGzip: 18 * 1024 },
];

const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
let over = false;

for (const { name, entry, budgetGzip } of ENTRIES) {
  const result = (await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: true, target: 'es2022', lib: { entry, formats: ['es'] } },
  })) as Rolldown.RolldownOutput[];
  const chunks = result[0]!.output.filter((o): o is Rolldown.OutputChunk => o.type === 'chunk');
  for (const chunk of chunks) {
    // Vite's library mode keeps whitespace in ES output (for downstream tree-shaking); a page ships it minified.
    const { code } = await transform(chunk.code, { minify: true, format: 'esm', target: 'es2022' });
    const gzip = gzipSync(code, { level: 9 }).length;
    const brotli = brotliCompressSync(code).length;
    const label = chunk.isEntry ? `${name} (initial: lit + zod/mini + English)` : `  lazy chunk ${chunk.fileName}`;
    let verdict = '';
    if (chunk.isEntry) {
      verdict = gzip <= budgetGzip ? `within budget ${kb(budgetGzip)}` : `OVER budget ${kb(budgetGzip)} by ${kb(gzip - budgetGzip)}`;
      over ||= gzip > budgetGzip;
    }
    console.log(`${label}: ${kb(code.length)} min, ${kb(gzip)} gzip, ${kb(brotli)} brotli ${verdict}`);
  }
}

if (over && process.argv.includes('--enforce')) process.exit(1);
