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
import { join, resolve, sep } from 'node:path';
import { parseAst } from 'vite';
import { minifyCss, minifyHtml } from './minify-templates.js';

const root = resolve(import.meta.dirname, '..');

/** The tags whose templates are minified, and how. */
const MINIFIERS: Record<string, (parts: readonly string[]) => string[]> = { css: minifyCss, html: minifyHtml };

interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/** JavaScript `code` (a module, as tsc or vite's TypeScript transform emits it) with its `css` and `html` tagged templates minified (a module; `file` names it in errors). */
export function minifyTemplates(code: string, file = 'module'): string {
  const ast = parseAst(code) as unknown as Node;
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object' || typeof (node as Node).type !== 'string') return;
    const n = node as Node;
    if (n.type === 'TaggedTemplateExpression') {
      const tag = n.tag as Node & { name?: string };
      const minify = tag.type === 'Identifier' ? MINIFIERS[tag.name!] : undefined;
      if (minify) {
        const quasis = (n.quasi as { quasis: (Node & { value: { raw: string } })[] }).quasis;
        let parts: string[];
        try {
          parts = minify(quasis.map((q) => q.value.raw));
        } catch (e) {
          throw new Error(`${file}:${code.slice(0, n.start).split('\n').length}: ${(e as Error).message}`);
        }
        quasis.forEach((q, i) => {
          if (code.slice(q.start, q.end) !== q.value.raw) throw new Error(`${file}: a template's text is not where the parser says`);
          if (parts[i] !== q.value.raw) edits.push({ start: q.start, end: q.end, text: parts[i]! });
        });
      }
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'parent') visit(value);
  };
  visit(ast);
  let result = code;
  for (const { start, end, text } of edits.sort((a, b) => b.start - a.start)) result = result.slice(0, start) + text + result.slice(end);
  return result;
}

/** Builds into `outDir` (tsconfig.build.json's `dist` unless given), passing `tscArgs` on to tsc. */
export function buildPackage(outDir = join(root, 'dist'), tscArgs: string[] = []): void {
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json', '--outDir', outDir, ...tscArgs], { cwd: root, stdio: 'inherit' });
  for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    // The demo (vite's, dist/demo) is bundled already: its templates are minified by vite.config.ts's plugin.
    const file = join(entry.parentPath, entry.name);
    if (file.startsWith(join(outDir, 'demo') + sep)) continue;
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
