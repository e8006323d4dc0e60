/**
 * A page that behaves like the ElectroSoft portal's consumer view: sign in (API no. 01), theme and logo
 * from app_config, the three widgets with the consumer's access token (renewed with API no. 11 when the
 * proxy refuses it), and the consumer's payment history and receipts from the proxy.
 */
import '../src/index.js';
import '../src/themes/portal.js'; // The portal's colour themes (olive, purple, vector, grey): opted into, as a host does.
import { formatCount, formatNpr } from '../src/money.js';
import type { HistoryRecord, Receipt } from '../src/api.js';
import type { PayElement } from '../src/internal/pay-element.js';
import { SERVICE_REGISTRY, SERVICE_TAGS } from '../src/services.js';
import type { Locale } from '../src/internal/i18n.js';

/** The page's own words (the widgets have theirs), in the language the switch sets for page and widgets. */
const TEXT: Record<Locale, {
  title: string;
  history: string;
  previous: string;
  next: string;
  all: string;
  session: string;
  columns: string[];
  search: string;
  searchHint: string;
  status: string;
  receipt: string;
  receiptOf: string;
  receiptTitle: string;
  page: string;
  empty: string;
  noMatch: string;
  statuses: Record<string, string>;
  lines: Record<'receipt' | 'paidOn' | 'service' | 'customer' | 'billAmount' | 'serviceCharge' | 'total' | 'mode' | 'transaction', string>;
}> = {
  en: {
    title: 'Pay your bills',
    history: 'Payment history',
    previous: 'Previous',
    next: 'Next',
    all: 'all',
    session: 'Signed in as {name}. Access token renewed {count} time(s).',
    columns: ['Date', 'Service', 'Customer', 'Amount', 'Status', 'Reference', 'Receipt'],
    search: 'Search',
    searchHint: 'name, reference or transaction',
    status: 'Status',
    receipt: 'Receipt',
    receiptOf: 'Receipt of {reference}',
    receiptTitle: 'Payment receipt',
    page: 'Page {page} of {pages} ({total} payments)',
    empty: 'No payments yet. The payments you make above show here.',
    noMatch: 'No payments match this search or status.',
    statuses: { success: 'success', pending: 'pending', failed: 'failed' },
    lines: { receipt: 'Receipt', paidOn: 'Paid on', service: 'Service', customer: 'Customer', billAmount: 'Bill amount', serviceCharge: 'Service charge', total: 'Total', mode: 'Payment mode', transaction: 'Transaction' },
  },
  ne: {
    title: 'बिल तिर्नुहोस्',
    history: 'भुक्तानी इतिहास',
    previous: 'अघिल्लो',
    next: 'अर्को',
    all: 'सबै',
    session: '{name} को रूपमा साइन इन। पहुँच टोकन {count} पटक नवीकरण भयो।',
    columns: ['मिति', 'सेवा', 'ग्राहक', 'रकम', 'स्थिति', 'सन्दर्भ', 'रसिद'],
    search: 'खोज्नुहोस्',
    searchHint: 'नाम, सन्दर्भ वा कारोबार',
    status: 'स्थिति',
    receipt: 'रसिद',
    receiptOf: '{reference} को रसिद',
    receiptTitle: 'भुक्तानी रसिद',
    page: 'पृष्ठ {page} / {pages} ({total} भुक्तानी)',
    empty: 'अहिलेसम्म कुनै भुक्तानी छैन। माथि गरेका भुक्तानी यहाँ देखिन्छन्।',
    noMatch: 'यो खोज वा स्थितिसँग मिल्ने भुक्तानी छैन।',
    statuses: { success: 'सफल', pending: 'बाँकी', failed: 'असफल' },
    lines: { receipt: 'रसिद', paidOn: 'भुक्तानी मिति', service: 'सेवा', customer: 'ग्राहक', billAmount: 'बिल रकम', serviceCharge: 'सेवा शुल्क', total: 'जम्मा', mode: 'भुक्तानी माध्यम', transaction: 'कारोबार' },
  },
};
let lang: Locale = 'en';
const t = () => TEXT[lang];
const fillIn = (template: string, params: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''));
/**
 * Dates in the page's language, day first, 24-hour time (never the US month/day order): "2 Dec 2026, 14:05";
 * in Nepali all in Devanagari digits ("०२/१२/२०२६, १४:०५": Chromium has no Nepali month names).
 */
const formatDate = (iso: string) =>
  new Intl.DateTimeFormat(
    lang === 'ne' ? ['ne-NP', 'en-IN-u-nu-deva'] : 'en-GB',
    lang === 'ne'
      ? { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
      : { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' },
  ).format(new Date(iso));
const sessionNote = () => (session ? fillIn(t().session, { name: session.name, count: formatCount(renewals, lang) }) : '');
const serviceName = (id: keyof typeof SERVICE_REGISTRY) => SERVICE_REGISTRY[id]?.name ?? id;
/** The reference of the receipt on show, if any. */
let openReceipt: string | null = null;

interface Session {
  access: string;
  refresh: string;
  name: string;
  theme: string;
  logo: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const widgets = () => [...document.querySelectorAll<PayElement>(SERVICE_TAGS.join(','))];
let session: Session | null = null;
let renewals = 0;
let page = 1;
const PAGE_SIZE = 5;

type Envelope<T> = { data: { response: T } | null; error_message: string; is_error: boolean };

function begin(response: {
  token_data: { access_token: string; refresh_token: string };
  user_data: { first_name: string; last_name: string };
  app_config: { preferences: { color_theme_id: string }; app_logo_url: string };
}) {
  session = {
    access: response.token_data.access_token,
    refresh: response.token_data.refresh_token,
    name: `${response.user_data.first_name} ${response.user_data.last_name}`,
    theme: session?.theme ?? response.app_config.preferences.color_theme_id,
    logo: response.app_config.app_logo_url,
  };
}

async function login(email: string, password: string) {
  const answer = (await (
    await fetch('/portal-sandbox/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) })
  ).json()) as Envelope<Parameters<typeof begin>[0]>;
  if (answer.is_error || !answer.data) {
    $('login-error').textContent = answer.error_message;
    return;
  }
  begin(answer.data.response);
  show();
}

let renewing: Promise<void> | null = null;
/** Renews the access token once for everyone who needs it now (the widgets and the history). */
function renew(): Promise<void> {
  renewing ??= (async () => {
    const answer = (await (
      await fetch('/portal-sandbox/api/refresh-login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: session?.refresh }),
      })
    ).json()) as Envelope<Parameters<typeof begin>[0]>;
    if (answer.is_error || !answer.data) return signOut();
    begin(answer.data.response);
    renewals++;
    $('session-note').textContent = sessionNote();
  })().finally(() => (renewing = null));
  return renewing;
}

/** A request to the proxy as the signed-in consumer; a refused token is renewed and the request sent once more. */
async function proxy<T>(path: string, body?: unknown): Promise<T> {
  const send = () =>
    fetch(`/portal/api${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${session?.access}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let response = await send();
  if (response.status === 401) {
    await renew();
    response = await send();
  }
  const answer = (await response.json()) as Envelope<T>;
  if (answer.is_error || !answer.data) throw new Error(answer.error_message);
  return answer.data.response;
}

function applyTheme(theme: string) {
  document.body.dataset.theme = theme;
  $<HTMLSelectElement>('theme').value = theme;
  for (const w of widgets()) w.setAttribute('theme', theme); // the portal's own value, as is: an unknown one falls back to light
}

function show() {
  if (!session) return;
  $('sign-in').hidden = true;
  $('portal').hidden = false;
  $('sign-out').hidden = false;
  $('theme-control').hidden = false;
  $('who').textContent = session.name;
  $<HTMLImageElement>('logo').src = session.logo;
  $('session-note').textContent = sessionNote();
  // The widgets are made once there is a token: they load their lists as soon as they connect.
  if (!widgets().length) {
    $('widgets').replaceChildren(
      ...SERVICE_TAGS.map((tag) => {
        const widget = document.createElement(tag);
        widget.endpoint = '/portal/api';
        widget.locale = lang;
        widget.getAccessToken = () => session?.access ?? '';
        return widget;
      }),
    );
  }
  for (const w of widgets()) w.logo = session.logo;
  applyTheme(session.theme);
  void loadHistory();
}

function signOut() {
  session = null;
  hideReceipt();
  $('widgets').replaceChildren();
  $('sign-in').hidden = false;
  $('portal').hidden = true;
  $('sign-out').hidden = true;
  $('theme-control').hidden = true;
  $('who').textContent = '';
}

async function loadHistory() {
  const status = $<HTMLSelectElement>('status').value;
  const { records, total } = await proxy<{ records: HistoryRecord[]; total: number }>('/payments/history', {
    page_size: PAGE_SIZE,
    page_no: page,
    search_query: $<HTMLInputElement>('search').value || undefined,
    filter_parameters: status ? { status: [status] } : undefined,
  });
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const n = (count: number) => formatCount(count, lang);
  $('page').textContent = fillIn(t().page, { page: n(page), pages: n(pages), total: n(total) });
  // An empty history says so (and whether a filter is why); a receipt whose payment is not listed is put away.
  const filtered = Boolean(status || $<HTMLInputElement>('search').value);
  $('history-empty').textContent = records.length ? '' : filtered ? t().noMatch : t().empty;
  $('history-empty').hidden = records.length > 0;
  if (openReceipt && !records.some((r) => r.reference === openReceipt)) hideReceipt();
  $<HTMLButtonElement>('prev').disabled = page <= 1;
  $<HTMLButtonElement>('next').disabled = page >= pages;
  $('history').replaceChildren(
    ...records.map((r) => {
      const row = document.createElement('tr');
      row.setAttribute('role', 'row');
      const cells = [formatDate(r.payment_date), serviceName(r.service), r.customer_name, formatNpr(r.total_paisa, lang), t().statuses[r.status] ?? r.status, r.reference];
      cells.forEach((text, i) => {
        const cell = document.createElement('td');
        cell.setAttribute('role', 'cell');
        cell.dataset.label = t().columns[i]!;
        cell.textContent = text;
        row.append(cell);
      });
      const cell = document.createElement('td');
      cell.setAttribute('role', 'cell');
      if (r.bill_paid) {
        const open = document.createElement('button');
        open.type = 'button';
        open.textContent = t().receipt;
        open.setAttribute('aria-label', fillIn(t().receiptOf, { reference: r.reference }));
        open.addEventListener('click', () => void showReceipt(r.reference));
        cell.append(open);
      }
      row.append(cell);
      return row;
    }),
  );
}

async function showReceipt(reference: string) {
  const r = await proxy<Receipt>(`/payments/${reference}/receipt`);
  const box = $('receipt');
  const l = t().lines;
  const lines: [string, string][] = [
    [l.receipt, r.bill_id],
    [l.paidOn, formatDate(r.payment_date)],
    [l.service, serviceName(r.service)],
    [l.customer, r.customer_name],
    [l.billAmount, formatNpr(r.bill_amount_paisa, lang)],
    [l.serviceCharge, formatNpr(r.service_charge_paisa, lang)],
    [l.total, formatNpr(r.total_paisa, lang)],
    [l.mode, r.payment_mode],
    [l.transaction, r.transaction_id ?? ''],
    ...r.details.map((d): [string, string] => [d.key.replace(/_/g, ' '), d.value]),
  ];
  const title = document.createElement('h3');
  title.textContent = t().receiptTitle;
  const list = document.createElement('dl');
  for (const [label, value] of lines) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    list.append(dt, dd);
  }
  box.replaceChildren(title, list);
  box.hidden = false;
  openReceipt = reference;
}

function hideReceipt() {
  openReceipt = null;
  $('receipt').replaceChildren();
  $('receipt').hidden = true;
}

/** The language switch: the page's words, dates and amounts, and every widget's `locale`. */
function applyLanguage(next: Locale) {
  lang = next;
  document.documentElement.lang = next;
  $<HTMLSelectElement>('language').value = next;
  $('history-head').replaceChildren(
    ...t().columns.map((text) => {
      const th = document.createElement('th');
      th.scope = 'col';
      th.setAttribute('role', 'columnheader');
      th.textContent = text;
      return th;
    }),
  );
  $('search-label').textContent = t().search;
  $('status-label').textContent = t().status;
  $<HTMLInputElement>('search').placeholder = t().searchHint;
  $('portal-title').textContent = t().title;
  $('history-title').textContent = t().history;
  $('prev').textContent = t().previous;
  $('next').textContent = t().next;
  $('session-note').textContent = sessionNote();
  for (const option of $<HTMLSelectElement>('status').options) option.textContent = option.value ? (t().statuses[option.value] ?? option.value) : t().all;
  for (const w of widgets()) w.locale = next;
  if (session) void loadHistory();
  if (openReceipt) void showReceipt(openReceipt);
}

// The widgets ask for a renewed token when the proxy refuses theirs.
document.addEventListener('pay-auth-required', (e) => e.detail.waitUntil(renew()));
document.addEventListener('pay-success', () => void loadHistory());
document.addEventListener('pay-error', () => void loadHistory());
document.addEventListener('pay-pending', () => void loadHistory());

$('login').addEventListener('submit', (e) => {
  e.preventDefault();
  void login($<HTMLInputElement>('email').value, $<HTMLInputElement>('password').value);
});
$('sign-out').addEventListener('click', signOut);
$('language').addEventListener('change', () => applyLanguage($<HTMLSelectElement>('language').value as Locale));
applyLanguage('en');
$('theme').addEventListener('change', () => {
  if (session) session.theme = $<HTMLSelectElement>('theme').value;
  applyTheme($<HTMLSelectElement>('theme').value);
});
$('search').addEventListener('input', () => {
  page = 1;
  void loadHistory();
});
$('status').addEventListener('change', () => {
  page = 1;
  void loadHistory();
});
$('prev').addEventListener('click', () => {
  page--;
  void loadHistory();
});
$('next').addEventListener('click', () => {
  page++;
  void loadHistory();
});

void (async () => {
  const { consumers } = (await (await fetch('/portal-sandbox/_sandbox/consumers')).json()) as {
    consumers: { email: string; password: string; color_theme_id: string }[];
  };
  $('consumers').replaceChildren(
    ...consumers.map((c) => {
      const item = document.createElement('li');
      const use = document.createElement('button');
      use.type = 'button';
      use.textContent = `${c.email} (${c.color_theme_id})`;
      use.addEventListener('click', () => {
        $<HTMLInputElement>('email').value = c.email;
        $<HTMLInputElement>('password').value = c.password;
      });
      item.append(use);
      return item;
    }),
  );
})();
