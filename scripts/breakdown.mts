import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Rolldown } from 'vite';
const root = '/work/wt-nea';
const dist = join(root, '.size-dist');
const file = process.argv[2] ?? 'nea-pay.js';
const result = (await build({ configFile: false, logLevel: 'silent', root, build: { write: false, minify: true, target: 'es2022', lib: { entry: join(dist, file), formats: ['es'] } } })) as Rolldown.RolldownOutput[];
const chunks = result[0]!.output.filter((o): o is Rolldown.OutputChunk => o.type === 'chunk');
const entry = chunks.find((c) => c.isEntry)!;
const initial = new Set([entry.fileName, ...entry.imports]);
for (const c of chunks) {
  if (!initial.has(c.fileName)) continue;
  console.log(`== ${c.fileName} ${c.code.length} min ${gzipSync(c.code, { level: 9 }).length} gz`);
  const rows = Object.entries(c.modules).map(([id, m]) => [id.replace(root, ''), m.renderedLength, m.code ? gzipSync(m.code, { level: 9 }).length : 0] as const).sort((a, b) => b[1] - a[1]);
  for (const r of rows) console.log(`  ${String(r[1]).padStart(7)} ${String(r[2]).padStart(6)}gz  ${r[0]}`);
}
