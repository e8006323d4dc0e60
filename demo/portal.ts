/**
 * A page that behaves like the ElectroSoft portal's consumer view: sign in (API no. 01), theme and logo
 * from app_config, the three widgets with the consumer's access token (renewed with API no. 11 when the
 * proxy refuses it), and the consumer's payment history and receipts from the proxy.
 */
import '../src/index.js';
import { formatNpr } from '../src/money.js';
import type { HistoryRecord, Receipt } from '../src/api.js';
import type { PayElement } from '../src/internal/pay-element.js';
import { SERVICE_TAGS } from '../src/services.js';

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
    $('session-note').textContent = `Signed in as ${session!.name}. Access token renewed ${renewals} time(s).`;
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
  $('session-note').textContent = `Signed in as ${session.name}. Access token renewed ${renewals} time(s).`;
  // The widgets are made once there is a token: they load their lists as soon as they connect.
  if (!widgets().length) {
    $('widgets').replaceChildren(
      ...SERVICE_TAGS.map((tag) => {
        const widget = document.createElement(tag);
        widget.endpoint = '/portal/api';
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
  $('page').textContent = `Page ${page} of ${pages} (${total} payments)`;
  $<HTMLButtonElement>('prev').disabled = page <= 1;
  $<HTMLButtonElement>('next').disabled = page >= pages;
  $('history').replaceChildren(
    ...records.map((r) => {
      const row = document.createElement('tr');
      for (const text of [new Date(r.payment_date).toLocaleString(), r.service, r.customer_name, formatNpr(r.total_paisa, 'en'), r.status, r.reference]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      const cell = document.createElement('td');
      if (r.bill_paid) {
        const open = document.createElement('button');
        open.type = 'button';
        open.textContent = 'Receipt';
        open.setAttribute('aria-label', `Receipt of ${r.reference}`);
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
  const lines: [string, string][] = [
    ['Receipt', r.bill_id],
    ['Paid on', new Date(r.payment_date).toLocaleString()],
    ['Service', r.service],
    ['Customer', r.customer_name],
    ['Bill amount', formatNpr(r.bill_amount_paisa, 'en')],
    ['Service charge', formatNpr(r.service_charge_paisa, 'en')],
    ['Total', formatNpr(r.total_paisa, 'en')],
    ['Payment mode', r.payment_mode],
    ['Transaction', r.transaction_id ?? ''],
    ...r.details.map((d): [string, string] => [d.key.replace(/_/g, ' '), d.value]),
  ];
  const title = document.createElement('h3');
  title.textContent = 'Payment receipt';
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
