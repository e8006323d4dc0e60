/**
 * The package's build of its modules (`npm run build` after the demo's `vite build`; scripts/size.ts builds
 * with it too): tsc with tsconfig.build.json (declarations as configured), then the emitted JavaScript's `css`
 * and `html` tagged templates minified in place (scripts/minify-templates.ts).
 *
 *   npx tsx scripts/build.ts [tsc options, e.g. --outDir .size-dist --declaration false]
 *
 * TypeScript 7's tsc is native and takes no transformers, so the templates are minified after it emits.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { minifyTemplates } from './minify-templates.js';

const root = resolve(import.meta.dirname, '..');

/** Builds into `outDir` (tsconfig.build.json's `dist` unless given), passing `tscArgs` on to tsc. */
export function buildPackage(outDir = join(root, 'dist'), tscArgs: string[] = []): void {
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir, ...tscArgs], { cwd: root, stdio: 'inherit' });
  for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    // The demo (vite's, dist/demo) is bundled already: its templates are minified by vite.config.ts's plugin.
    const file = join(entry.parentPath, entry.name);
    if (file.startsWith(join(outDir, 'demo'))) continue;
    const code = readFileSync(file, 'utf8');
    const minified = minifyTemplates(code, file);
    if (minified !== code) writeFileSync(file, minified);
  }
}

if (import.meta.filename === process.argv[1] || resolve(process.argv[1] ?? '') === import.meta.filename) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--outDir');
  const outDir = at >= 0 ? resolve(args[at + 1]!) : undefined;
  buildPackage(outDir, at >= 0 ? [...args.slice(0, at), ...args.slice(at + 2)] : args);
}
