/**
 * custom-elements.json as tools read it: valid against the official schema, the three elements (not their
 * abstract base) with typed events and the attributes' allowed values, paths of the published files, and
 * JSX types that a manifest consumer (custom-element-jsx-integration) builds from it typecheck a TSX page.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { generateJsxTypes } from 'custom-element-jsx-integration';
import type { ClassDeclaration, CustomElement, Event, Package } from 'custom-elements-manifest/schema.js';
import { LOCALES } from '../src/internal/i18n.js';

const manifest = JSON.parse(readFileSync('custom-elements.json', 'utf8')) as Package;
const declarations = manifest.modules.flatMap((m) => m.declarations ?? []);
const elements = declarations.filter((d): d is ClassDeclaration & CustomElement => 'customElement' in d && d.customElement === true);
const EVENTS = {
  'pay-success': 'PaySuccessDetail',
  'pay-error': 'PayErrorDetail',
  'pay-pending': 'PayPendingDetail',
  'pay-step': 'PayStepDetail',
  'pay-auth-required': 'PayAuthRequiredDetail',
  'pay-funding': 'PayFundingDetail',
};

describe('custom-elements.json', () => {
  it('is valid against the schema that the custom-elements-manifest package ships', () => {
    const schema = createRequire(import.meta.url)('custom-elements-manifest/schema.json') as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    assert.ok(validate(manifest), JSON.stringify(validate.errors, null, 2));
  });

  it('lists the three elements, and the abstract base class as a plain class', () => {
    assert.deepEqual(elements.map((e) => e.tagName).sort(), ['dishhome-recharge', 'dreamer-pay', 'nea-pay']);
    const base = declarations.find((d) => d.name === 'PayElement');
    assert.ok(base, 'the base class is documented (its members are inherited)');
    assert.equal('customElement' in base, false);
    assert.equal('tagName' in base, false);
    const definitions = manifest.modules.flatMap((m) => m.exports ?? []).filter((e) => e.kind === 'custom-element-definition');
    assert.deepEqual(definitions.map((d) => d.declaration.name).sort(), ['DishhomeRecharge', 'DreamerPay', 'NeaPay']);
  });

  it('gives every element the six events with their CustomEvent detail types, exported by the package', () => {
    const index = readFileSync('src/index.ts', 'utf8');
    for (const element of elements) {
      const events = Object.fromEntries((element.events ?? []).map((e: Event) => [e.name, e.type?.text]));
      assert.deepEqual(events, Object.fromEntries(Object.entries(EVENTS).map(([name, detail]) => [name, `CustomEvent<${detail}>`])), String(element.tagName));
    }
    for (const detail of Object.values(EVENTS)) assert.match(index, new RegExp(`\\b${detail}\\b`), `${detail} is exported`);
  });

  it("writes the attributes' allowed values as unions", () => {
    for (const element of elements) {
      const types = Object.fromEntries((element.attributes ?? []).map((a) => [a.name, a.type?.text]));
      assert.equal(types.locale, LOCALES.map((l) => `'${l}'`).join(' | '), String(element.tagName));
      assert.equal(types.theme, "'light' | 'dark' | 'olive' | 'purple' | 'vector' | 'grey'", String(element.tagName));
    }
  });

  it('names modules by their published paths: dist/*.js, built from a src/*.ts that exists', () => {
    const paths = new Set<string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(collect);
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if ((key === 'path' || key === 'module') && typeof value === 'string') paths.add(value);
        else collect(value);
      }
    };
    collect(manifest.modules);
    assert.ok(paths.size > 10);
    for (const path of paths) {
      assert.match(path, /^dist\/[\w/.-]+\.js$/, path);
      assert.ok(existsSync(path.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')), `${path} has a source`);
    }
  });

  it('resolves every reference to a declaration of the module it names', () => {
    const declared = new Map(manifest.modules.map((m) => [m.path, new Set((m.declarations ?? []).map((d) => d.name))]));
    const unresolved: string[] = [];
    const check = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(check);
      if (!node || typeof node !== 'object') return;
      const ref = node as { name?: unknown; module?: unknown };
      // `export * from` names the module as a whole (`*`): it must be one the manifest holds.
      const found = ref.name === '*' ? declared.has(ref.module as string) : declared.get(ref.module as string)?.has(ref.name as string);
      if (typeof ref.name === 'string' && typeof ref.module === 'string' && !found) {
        unresolved.push(`${ref.name} in ${ref.module}`);
      }
      Object.values(node).forEach(check);
    };
    check(manifest.modules);
    assert.deepEqual(unresolved, []);
  });

  it('builds JSX types with custom-element-jsx-integration that typecheck a TSX page, and reject wrong values', () => {
    const dir = 'test-results/manifest-jsx';
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // The plugin reads an event's `type` as its detail type and wraps it in CustomEvent itself (the schema, and
    // we, mean the event's type), and imports those names once per element (duplicates with three elements).
    // Hand it each detail type as an inline import type: no import statement, the real type.
    const index = relative(dir, 'src/index.js');
    const forPlugin = JSON.parse(JSON.stringify(manifest).replace(/"CustomEvent<(\w+)>"/g, `"import('${index}').$1"`)) as Package;
    generateJsxTypes(forPlugin, { outdir: dir, fileName: 'custom-elements-jsx.ts', globalTypePath: index, hideLogs: true });
    writeFileSync(
      join(dir, 'page.tsx'),
      `import type { CustomElements } from './custom-elements-jsx.js';
declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends CustomElements {}
  }
}
export const page = (
  <nea-pay endpoint="/api" theme="olive" locale="ne" office-code="201:ratnapark-dc" sc-no="024.12.512"
    onpay-success={(e) => e.detail.totalPaisa.toFixed()} onpay-error={(e) => e.detail.code.trim()} />
);
export const dish = <dishhome-recharge customer-id="1234" onpay-step={(e) => e.detail.step} />;
// @ts-expect-error not one of the themes
export const badTheme = <dreamer-pay theme="pink" />;
// @ts-expect-error not one of the locales
export const badLocale = <nea-pay locale="fr" />;
// @ts-expect-error no such field in PaySuccessDetail
export const badDetail = <nea-pay onpay-success={(e) => e.detail.amount} />;
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          jsx: 'react-jsx',
          strict: true,
          experimentalDecorators: true,
          useDefineForClassFields: false,
          skipLibCheck: true,
          noEmit: true,
          types: [],
        },
        files: ['page.tsx'],
      }),
    );
    const tsc = join(process.cwd(), 'node_modules/.bin/tsc');
    try {
      execFileSync(tsc, ['-p', dir], { stdio: 'pipe' });
    } catch (error) {
      assert.fail(`the TSX page does not typecheck:\n${(error as { stdout: Buffer }).stdout}`);
    }
  });
});
