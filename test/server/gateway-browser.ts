/**
 * Just enough of a browser to walk the gateway sandboxes' pages with fetch: read a page's form (hidden
 * inputs, typed values, the selected option), submit it with one button, and stop at the redirect.
 */
import assert from 'node:assert/strict';

const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
const attr = (tag: string, name: string) => {
  const match = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return match ? unescape(match[1]!) : undefined;
};

export interface PageForm {
  action: string;
  method: string;
  fields: Record<string, string>;
  buttons: string[];
}

/** The first form of a page, with its action resolved against the page's URL. */
export function readForm(pageUrl: string, html: string): PageForm {
  const form = /<form\b[^>]*>([\s\S]*?)<\/form>/.exec(html);
  assert.ok(form, 'the page has a form');
  const open = /<form\b[^>]*>/.exec(form[0])![0];
  const fields: Record<string, string> = {};
  for (const [tag] of form[1]!.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name');
    if (name) fields[name] = attr(tag, 'value') ?? '';
  }
  for (const [, open, options] of form[1]!.matchAll(/(<select\b[^>]*>)([\s\S]*?)<\/select>/g)) {
    const name = attr(open!, 'name')!;
    const selected = [...options!.matchAll(/<option\b[^>]*>/g)].map(([o]) => o).find((o) => /\sselected\b/.test(o));
    fields[name] = selected ? attr(selected, 'value')! : '';
  }
  const buttons = [...form[1]!.matchAll(/<button\b[^>]*>/g)].map(([b]) => attr(b, 'value')!).filter(Boolean);
  return { action: new URL(attr(open, 'action') ?? '', pageUrl).toString(), method: (attr(open, 'method') ?? 'get').toLowerCase(), fields, buttons };
}

/** Submits the form by pressing the button `action` (as `name="action" value=...`), with some fields changed. */
export async function submit(form: PageForm, action: string, changes: Record<string, string> = {}): Promise<Response> {
  assert.ok(form.buttons.includes(action), `the form has a "${action}" button (has ${form.buttons.join(', ')})`);
  return fetch(form.action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form.fields, ...changes, action }).toString(),
    redirect: 'manual',
  });
}

/** A page is strict-CSP clean: no script at all, no inline style, and a CSP that allows no script. */
export function assertScriptFree(response: Response, html: string) {
  assert.match(response.headers.get('content-type') ?? '', /text\/html/);
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /script-src|unsafe-inline/);
  assert.doesNotMatch(html, /<script|\sstyle=|\son[a-z]+=|javascript:/i);
}
