/**
 * The build's template minification (scripts/minify-templates.ts, applied to modules by scripts/build.ts):
 * CSS and lit-html templates lose their source formatting, never a part, an attribute value, significant
 * whitespace or a <pre>'s text. test/widgets/minify-templates.test.ts checks the same in Chromium.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { transform } from 'esbuild';
import { parseAst } from 'vite';
import { minifyTemplates } from '../scripts/build.js';
import { minifyCss, minifyHtml } from '../scripts/minify-templates.js';

describe('minifyCss', () => {
  it('drops comments and whitespace around punctuation, keeps interpolations, strings and significant spaces', () => {
    const parts = [
      '\n  /* The host. */\n  :host {\n    --_radius: var(--pay-radius, 8px);\n    margin: ',
      ' ',
      ';\n  }\n  a :hover,\n  ul > li {\n    padding: calc(var(--_space) * 1.5) 0;\n    content: \'a  /* not a comment */  b\';\n  }\n  @container (max-width: 30rem) {\n    td::before { content: attr(data-label); }\n  }\n',
    ];
    assert.deepEqual(minifyCss(parts), [
      ':host{--_radius:var(--pay-radius, 8px);margin:',
      ' ',
      "}a :hover,ul>li{padding:calc(var(--_space) * 1.5) 0;content:'a  /* not a comment */  b'}@container (max-width:30rem){td::before{content:attr(data-label)}}",
    ]);
  });

  it('keeps a string that spans an interpolation as written', () => {
    assert.deepEqual(minifyCss(["\n  a::after {\n    content: '  ", "  ';\n  }\n"]), ["a::after{content:'  ", "  '}"]);
  });

  it('keeps escapes as written, with the space after them', () => {
    assert.deepEqual(minifyCss(['.a\\:b ,\n  .c {\n    content: "\\201C"; }']), ['.a\\:b,.c{content:"\\201C"}']);
    assert.deepEqual(minifyCss(['.a\\: b {}']), ['.a\\: b{}']);
  });

  it('refuses a comment that spans an interpolation', () => {
    assert.throws(() => minifyCss(['a { /* ', ' */ }']), /comment spans an interpolation/);
  });
});

describe('minifyHtml', () => {
  it('drops the indentation next to block tags, keeps one space between inline elements, text and interpolations', () => {
    const parts = ['\n  <div class="box">\n    <label for="x">Pay\n      <b>', '</b>\n    </label>\n    <span>', '</span>\n    ', '\n  </div>\n'];
    assert.deepEqual(minifyHtml(parts), ['<div class="box"><label for="x">Pay <b>', '</b> </label> <span>', '</span> ', '</div>']);
  });

  it('keeps attribute values and bindings as written, collapsing only the whitespace between attributes', () => {
    const parts = ['\n  <input\n    id="a\n  b"\n    class="x ', ' y"\n    .value=', '\n    ?disabled=', '\n    @input=', '\n  />\n'];
    // <input> is inline: at the template's ends (what is around them unknown) one space stays.
    assert.deepEqual(minifyHtml(parts), [' <input id="a\n  b" class="x ', ' y" .value=', ' ?disabled=', ' @input=', ' /> ']);
  });

  it('keeps the contents of <pre> and <textarea> as written', () => {
    const parts = ['\n  <pre>\n  a\n    ', '\n</pre>\n  <textarea>\n  b\n</textarea>\n'];
    assert.deepEqual(minifyHtml(parts), ['<pre>\n  a\n    ', '\n</pre><textarea>\n  b\n</textarea> ']);
  });

  it('leaves whitespace without a newline, and comments, alone', () => {
    assert.deepEqual(minifyHtml(['<p>a  <b>b</b> c</p><!-- \n  note \n -->']), ['<p>a  <b>b</b> c</p><!-- \n  note \n -->']);
  });
});

/** Each `css`/`html` tagged template of a module: its tag and its parts. */
function templates(code: string): { tag: string; parts: string[]; spans: [number, number][] }[] {
  const found: { tag: string; parts: string[]; spans: [number, number][] }[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; tag?: { type: string; name: string }; quasi?: { quasis: { start: number; end: number; value: { raw: string } }[] } };
    if (n.type === 'TaggedTemplateExpression' && n.tag!.type === 'Identifier') {
      const quasis = n.quasi!.quasis;
      found.push({ tag: n.tag!.name, parts: quasis.map((q) => q.value.raw), spans: quasis.map((q) => [q.start, q.end]) });
    }
    for (const value of Object.values(n)) visit(value);
  };
  visit(parseAst(code));
  return found;
}

describe('minifyTemplates (a module)', () => {
  it('rewrites only the css and html templates, nested ones too, leaving other templates and code alone', () => {
    const code = 'const a = html`\n  <ul>\n    ${items.map((i) => html`\n      <li>${i}</li>\n    `)}\n  </ul>\n`;\nconst b = sql`\n  SELECT 1\n`;\nconst c = `\n  plain\n`;\nconst d = css`\n  p { color: red; }\n`;\n';
    assert.equal(
      minifyTemplates(code),
      'const a = html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;\nconst b = sql`\n  SELECT 1\n`;\nconst c = `\n  plain\n`;\nconst d = css`p{color:red}`;\n',
    );
  });

  it("keeps every template of the widgets' sources with the same tag and number of parts, and the code around them", async () => {
    const dir = join(import.meta.dirname, '../src');
    let count = 0;
    for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.startsWith('server') || file.startsWith('sandbox')) continue;
      const { code } = await transform(readFileSync(join(dir, file), 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022' });
      const minified = minifyTemplates(code, file);
      const before = templates(code).filter((t) => t.tag === 'css' || t.tag === 'html');
      const after = templates(minified).filter((t) => t.tag === 'css' || t.tag === 'html');
      assert.deepEqual(
        after.map((t) => [t.tag, t.parts.length]),
        before.map((t) => [t.tag, t.parts.length]),
        file,
      );
      // Outside the templates' text nothing changed: with the css and html templates' parts emptied, the modules are the same.
      const blank = (js: string, found: ReturnType<typeof templates>) => {
        const spans = found.flatMap((t) => t.spans).sort((a, b) => b[0] - a[0]);
        return spans.reduce((out, [start, end]) => out.slice(0, start) + out.slice(end), js);
      };
      assert.equal(blank(minified, after), blank(code, before), file);
      count += before.length;
    }
    assert.ok(count > 50, `found ${count} templates`);
  });
});
