/**
 * The values the steps' chunk (checkout.ts, steps.ts, format.ts, step-styles.ts and the `<tag>-steps` modules)
 * takes from the first load. Those modules import them from here, not from the modules that define them, and
 * the first load provides them as it starts, before it fetches that chunk: flow.ts the core's,
 * view-kit.ts the view's. So a bundler keeps the first load's modules in its own chunk, instead of moving every
 * module both loads use into a chunk of their own (in library mode it cannot add exports to an entry chunk):
 * the first load is its chunk and this module's few bytes, and gzip keeps one dictionary (issue 13, size).
 * Types are imported as usual; only values come through here.
 */
import type * as base from './base-element.js';
import type * as lit from 'lit/html.js';
import type * as client from './client.js';
import type * as events from './events.js';
import type * as flow from './flow.js';
import type * as i18n from './i18n.js';
import type * as styles from './styles.js';

/** What the first load provides. */
export interface Kit {
  // The view's (view-kit.ts).
  html: typeof lit.html;
  nothing: typeof lit.nothing;
  css: typeof base.css;
  addStyles: typeof styles.addStyles;
  // The core's (flow.ts).
  Run: typeof flow.Run;
  toRequestError: typeof flow.toRequestError;
  RequestError: typeof client.RequestError;
  proxyRequest: typeof client.proxyRequest;
  emit: typeof events.emit;
  addEnglish: typeof i18n.addEnglish;
  fill: typeof i18n.fill;
  latinDigits: typeof i18n.latinDigits;
  localCalendarDate: typeof i18n.localCalendarDate;
  messages: typeof i18n.messages;
  reasonText: typeof i18n.reasonText;
}

/**
 * The kit, whole once the first load has started (its modules provide their parts as they are evaluated), so
 * from the first line of any module of the steps' chunk, which take their values from it as they are evaluated.
 */
export const kit = {} as Kit;
// (Typed whole: the modules of the steps' chunk take it through from-kit.ts, which checks that their part is here.)

/** Provides a part of the kit (each part by the first-load module that has its values). */
export function provide(part: Partial<Kit>): void {
  Object.assign(kit, part);
}
