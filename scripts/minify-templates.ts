/**
 * Minifies the `css` and `html` tagged templates of built JavaScript (the package's dist; the demo's modules):
 * a consumer's minifier leaves the contents of template literals alone, so their indentation, newlines and CSS
 * comments would otherwise ship. Only the text of the template's parts changes: the number and order of the
 * `${}` interpolations, the tag and everything outside the templates stay as they are (lit-html's template
 * parts are the same). Works on the raw text: escape sequences (`\n`, `\``...) are kept as written.
 *
 * - css: comments dropped, whitespace runs collapsed to one space, and dropped at the ends and around
 *   `{ } ; , >` and after `:` (not before: `a :hover` is a selector of its own); the `;` before a `}` dropped.
 *   In a custom property's value (`--x: ...`) whitespace is part of the value: runs become one space; so does
 *   whitespace around commas inside parentheses (Chromium serializes values with var() as written).
 *   Strings are kept as written, also when they span an interpolation. A comment spanning an interpolation is
 *   refused (it would hide a part).
 * - html: only whitespace runs holding a newline change (the indentation of the source). Inside a tag they
 *   become one space (none before `>`); between tags, text and interpolations they become nothing when one
 *   side is the start or end tag of a block-level element (whitespace there is not rendered) and one space
 *   otherwise (between inline elements, text and interpolations, and at the template's ends, where what is
 *   around it is unknown, it may be significant). Attribute values, comments and the contents of <pre>,
 *   <textarea>, <script> and <style> are kept as written.
 *
 * Plain functions on the parts (no imports), so the browser tests can check them against Chromium's parsing and
 * rendering; scripts/build.ts applies them to modules.
 */
/** Tags whose start and end tags make a line break of their own, so whitespace next to them is not rendered. */
const BLOCK = new Set(
  'address article aside blockquote body caption col colgroup datalist dd details dialog div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html legend li link main menu meta nav ol optgroup option p pre section summary table tbody td template tfoot th thead title tr ul'.split(
    ' ',
  ),
);
/** Elements whose contents are kept as written. */
const RAW = new Set(['pre', 'textarea', 'script', 'style']);

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';

/** The parts of a `css` template (raw text between its interpolations), minified. */
export function minifyCss(parts: readonly string[]): string[] {
  const out: string[] = [];
  /** The quote of a string that an interpolation interrupted. */
  let quote = '';
  /** In a custom property's value; how deep in parentheses. */
  let custom = false;
  let depth = 0;
  parts.forEach((part, p) => {
    let s = '';
    /** A whitespace run is pending: written as one space unless punctuation or an end of the template is next to it. */
    let space = false;
    /** The last character written is one of `{ } ; , > :` (not escaped, not in a string), or the template's start. */
    let punct = p === 0;
    for (let i = 0; i < part.length; ) {
      const c = part[i]!;
      if (quote) {
        // Inside a string: as written, up to its closing quote (escapes included).
        const n = c === '\\' ? 2 : 1;
        s += part.slice(i, i + n);
        i += n;
        if (c === quote) quote = '';
        continue;
      }
      if (c === '/' && part[i + 1] === '*') {
        const end = part.indexOf('*/', i + 2);
        if (end < 0) throw new Error('css template: a comment spans an interpolation; it cannot be dropped');
        i = end + 2;
        // A comment separates tokens as whitespace does (`a/**/b` is two tokens).
        space = true;
        continue;
      }
      if (isSpace(c)) {
        space = true;
        i++;
        continue;
      }
      if (space) {
        // In a custom property's value, whitespace is part of the value (`var()` substitutes it, scripts read
        // it): one space stays between tokens; only the value's ends are trimmed, as CSS does.
        const before = custom ? '};' : depth > 0 ? '{};>' : '{};,>';
        if (!punct && !before.includes(c)) s += ' ';
      }
      space = false;
      if (c === '\\') {
        s += part.slice(i, i + 2);
        i += 2;
        punct = false;
        continue;
      }
      // The last declaration of a block needs no `;`.
      if (c === '}' && punct && s.endsWith(';')) s = s.slice(0, -1);
      if (c === '"' || c === "'") quote = c;
      if (c === '(') depth++;
      else if (c === ')') depth = Math.max(0, depth - 1);
      else if (custom && depth === 0 && '};'.includes(c)) custom = false;
      // A declaration whose property starts with `--` (after the last `{`, `}` or `;`): a custom property.
      if (!custom && c === ':' && /(^|[{};])--[^{};:]*$/.test(s)) custom = true;
      s += c;
      i++;
      // Inside parentheses (`var(--x, 8px)`, `rgb()`) the space after a comma stays: Chromium keeps it in
      // values with var() as written.
      punct = custom ? c === ':' : '{};>:'.includes(c) || (c === ',' && depth === 0);
    }
    // Whitespace before an interpolation: one space unless after punctuation; at the template's end, none.
    if (space && p < parts.length - 1 && !punct) s += ' ';
    out.push(s);
  });
  return out;
}

type Side = 'block' | 'other';

/** The parts of an `html` template (raw text between its interpolations), minified. */
export function minifyHtml(parts: readonly string[]): string[] {
  const out: string[] = [];
  /** Where the scan is: text, inside a tag, a quoted attribute value, a comment, or a raw element's contents. */
  let state: 'text' | 'tag' | 'quoted' | 'comment' | 'raw' = 'text';
  let quote = '';
  let tagName = '';
  let closing = false;
  let rawName = '';
  /** What the pending text whitespace follows: the template's start counts as neither block nor inline. */
  let left: Side = 'other';
  parts.forEach((part, p) => {
    let s = '';
    for (let i = 0; i < part.length; ) {
      const c = part[i]!;
      switch (state) {
        case 'quoted':
          s += c;
          i++;
          if (c === quote) state = 'tag';
          continue;
        case 'comment': {
          const end = part.indexOf('-->', i);
          if (end < 0) {
            s += part.slice(i);
            i = part.length;
          } else {
            s += part.slice(i, end + 3);
            i = end + 3;
            state = 'text';
            left = 'other';
          }
          continue;
        }
        case 'raw': {
          const close = part.toLowerCase().indexOf(`</${rawName}`, i);
          if (close < 0) {
            s += part.slice(i);
            i = part.length;
          } else {
            s += part.slice(i, close);
            i = close;
            state = 'text';
          }
          continue;
        }
        case 'tag': {
          if (isSpace(c)) {
            let j = i;
            while (isSpace(part[j])) j++;
            const run = part.slice(i, j);
            i = j;
            if (!run.includes('\n')) s += run;
            else if (part[j] !== '>' && !(j === part.length && p === parts.length - 1)) s += ' ';
            continue;
          }
          if (c === '"' || c === "'") {
            quote = c;
            state = 'quoted';
          } else if (c === '>') {
            state = 'text';
            const name = tagName.toLowerCase();
            left = BLOCK.has(name) ? 'block' : 'other';
            if (!closing && RAW.has(name)) {
              state = 'raw';
              rawName = name;
            }
          }
          s += c;
          i++;
          continue;
        }
        case 'text': {
          if (c === '<' && part.startsWith('<!--', i)) {
            state = 'comment';
            s += '<!--';
            i += 4;
            continue;
          }
          const tag = /^<(\/?)([a-zA-Z][^\s/>]*)/.exec(part.slice(i, i + 64));
          if (tag) {
            state = 'tag';
            closing = tag[1] === '/';
            tagName = tag[2]!;
            s += tag[0];
            i += tag[0].length;
            continue;
          }
          if (isSpace(c)) {
            let j = i;
            while (isSpace(part[j])) j++;
            const run = part.slice(i, j);
            i = j;
            if (!run.includes('\n')) {
              s += run;
              continue;
            }
            // Whitespace next to a block's start or end tag is not rendered; elsewhere (between inline elements,
            // text, interpolations, the template's ends: what is around those is unknown here) it is one space.
            const next = /^<\/?([a-zA-Z][^\s/>]*)/.exec(part.slice(j, j + 64));
            const drop = left === 'block' || (next !== null && BLOCK.has(next[1]!.toLowerCase()));
            if (!drop) s += ' ';
            continue;
          }
          s += c;
          i++;
          left = 'other';
          continue;
        }
      }
    }
    // An interpolation follows this part: in text it is neither block nor inline.
    if (state === 'text') left = 'other';
    out.push(s);
  });
  return out;
}
