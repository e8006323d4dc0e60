import { fixture, html, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import type { NeaPay } from '../../src/nea-pay.js';
import type { PayElement } from '../../src/internal/pay-element.js';
import { systemClock, type Clock } from '../../src/internal/pay-machine.js';

/**
 * A widget clock with its own time: each wait moves it on by the full amount but takes only `scale` of
 * it in real time (none by default), so back-offs and polling run without waiting for them.
 */
export function fastClock(scale = 0): Clock & { waits: number[] } {
  let t = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: (ms, signal) => {
      waits.push(ms);
      t += ms;
      return systemClock.sleep(ms * scale, signal);
    },
  };
}

/** A widget clock whose waits end only when the test says so (`tick()`). */
export function manualClock(): Clock & { tick(): void; readonly waiting: number } {
  let t = 0;
  let waiting: { ms: number; resolve: () => void }[] = [];
  return {
    now: () => t,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        const entry = { ms, resolve };
        waiting.push(entry);
        signal.addEventListener('abort', () => {
          waiting = waiting.filter((w) => w !== entry);
          resolve();
        });
      }),
    tick() {
      const due = waiting;
      waiting = [];
      for (const w of due) {
        t += w.ms;
        w.resolve();
      }
    },
    get waiting() {
      return waiting.length;
    },
  };
}

/** A fresh sandbox and a fresh tab: no payment left to resume from an earlier test. */
export async function resetSandbox() {
  sessionStorage.clear();
  await fetch('/sandbox/_sandbox/reset', { method: 'POST' });
}

export async function sandboxCalls(step?: string): Promise<{ step: string; reference?: string }[]> {
  const { calls } = (await (await fetch('/sandbox/_sandbox/calls')).json()) as { calls: { step: string; reference?: string }[] };
  return step ? calls.filter((c) => c.step === step) : calls;
}

export const $ = <T extends Element = HTMLElement>(el: Element, selector: string) =>
  el.shadowRoot!.querySelector(selector) as T | null;
export const $$ = (el: Element, selector: string) => [...el.shadowRoot!.querySelectorAll(selector)] as HTMLElement[];

/** The button whose text contains `text`. */
export function button(el: Element, text: string): HTMLButtonElement {
  const found = $$(el, 'button').find((b) => b.textContent!.includes(text));
  if (!found) throw new Error(`no button "${text}" in: ${$$(el, 'button').map((b) => b.textContent!.trim()).join(' | ')}`);
  return found as HTMLButtonElement;
}

export function type(input: HTMLInputElement, value: string) {
  input.focus();
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
}

export async function until(el: PayElement, predicate: () => boolean, message: string, timeout = 8000) {
  await waitUntil(predicate, message, { timeout });
  await el.updateComplete;
}

export interface Customer {
  office?: string;
  sc: string;
  id: string;
}
export const SEED: Customer = { office: '201:ratnapark-dc', sc: '024.12.512', id: '3042' };
export const customer = (id: string, office = '201:ratnapark-dc', sc = `024.12.${id}`): Customer => ({ office, sc, id });

/** A widget prefilled for a customer, with counters loaded; its waits take no time unless `clock` says otherwise. */
export async function widget(c: Customer, clock: Clock = fastClock()): Promise<NeaPay> {
  const el = await fixture<NeaPay>(
    html`<nea-pay endpoint="/api" office-code=${c.office ?? ''} sc-no=${c.sc} consumer-id=${c.id} .clock=${clock}></nea-pay>`,
  );
  await until(el, () => $$(el, '[role=option]').length > 1, 'counters loaded');
  return el;
}

/** Looks up the prefilled customer and waits for the choice step. */
export async function lookUp(el: PayElement) {
  $<HTMLButtonElement>(el, 'form button[type=submit]')!.click();
  await until(el, () => el.getAttribute('step') !== 'lookup' || $(el, '[part=error]') !== null, 'lookup answered');
}

/** Goes on from the choice step with the selected amount and waits for the confirmation. */
export async function toConfirm(el: PayElement) {
  button(el, 'Continue').click();
  await until(el, () => el.getAttribute('step') === 'confirm' || $(el, '[part=error]') !== null, 'priced');
}
