import '../src/index.js';

type Tag = 'nea-pay' | 'dreamer-pay' | 'dishhome-recharge';
type Row = Record<string, string>;

interface ServiceDemo {
  tag: Tag;
  stage: string;
  table: string;
  /** Table cells of a test customer. */
  cells: (c: Row) => string[];
  /** The widget attributes that prefill a test customer. */
  prefill: (c: Row) => Record<string, string>;
  /** The accessible name of its "Use" button. */
  name: (c: Row) => string;
  /** A second way to use a test customer (NEA v2: by the old numbers), with its button text. */
  also?: { text: string; name: (c: Row) => string; prefill: (c: Row) => Record<string, string> };
}

const SERVICES: Record<'nea' | 'nea_v2' | 'dreamer' | 'dishhome', ServiceDemo> = {
  nea: {
    tag: 'nea-pay',
    stage: 'nea-stage',
    table: 'nea-customers',
    cells: (c) => [c.office_code!, c.sc_no!, c.consumer_id!, `${c.consumer_name}: ${c.case}`],
    prefill: (c) => ({ 'office-code': c.office_code!, 'sc-no': c.sc_no!, 'consumer-id': c.consumer_id! }),
    name: (c) => c.consumer_name!,
  },
  // NEA's second generation: offices migrated to the new billing, customers found by the new consumer number or the old numbers.
  nea_v2: {
    tag: 'nea-pay',
    stage: 'nea-stage',
    table: 'nea-v2-customers',
    cells: (c) => [c.office_code!, c.consumer_no!, `${c.sc_no} / ${c.consumer_id}`, `${c.consumer_name}: ${c.case}`],
    prefill: (c) => ({ 'office-code': c.office_code!, 'consumer-no': c.consumer_no! }),
    // Named by the number first: distinct from the v1 customers of the same case name ("Use Hanging Commit").
    name: (c) => `consumer no ${c.consumer_no}, ${c.consumer_name}`,
    also: {
      text: 'Old numbers',
      name: (c) => `old numbers ${c.sc_no} / ${c.consumer_id}, ${c.consumer_name}`,
      prefill: (c) => ({ 'office-code': c.office_code!, 'sc-no': c.sc_no!, 'consumer-id': c.consumer_id! }),
    },
  },
  dreamer: {
    tag: 'dreamer-pay',
    stage: 'dreamer-stage',
    table: 'dreamer-customers',
    cells: (c) => [c.service_name!, c.customer_code!, `${c.consumer_name}: ${c.case}`],
    prefill: (c) => ({ 'service-slug': c.service_slug!, 'customer-code': c.customer_code! }),
    name: (c) => `Dreamer ${c.customer_code}`,
  },
  dishhome: {
    tag: 'dishhome-recharge',
    stage: 'dishhome-stage',
    table: 'dishhome-customers',
    cells: (c) => [c.customer_id!, c.package!, c.case!],
    prefill: (c) => ({ 'customer-id': c.customer_id! }),
    name: (c) => `Dish Home ${c.customer_id}`,
  },
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const log = $<HTMLOListElement>('log');
const theme = $<HTMLSelectElement>('theme');
const locale = $<HTMLSelectElement>('locale');

/** Replaces a widget with a fresh one (a new payment), keeping theme and language. */
function mount(service: ServiceDemo, prefill: Record<string, string> = {}) {
  const widget = document.createElement(service.tag);
  widget.setAttribute('endpoint', '/api');
  widget.setAttribute('theme', theme.value);
  widget.setAttribute('locale', locale.value);
  for (const [name, value] of Object.entries(prefill)) widget.setAttribute(name, value);
  $(service.stage).replaceChildren(widget);
}

const widgets = () => document.querySelectorAll<HTMLElement>(Object.values(SERVICES).map((s) => s.tag).join(','));

for (const type of ['pay-success', 'pay-error', 'pay-pending', 'pay-step'] as const) {
  document.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.className = type;
    const source = (event.target as HTMLElement).localName;
    item.textContent = `${new Date().toLocaleTimeString()} <${source}> ${type} ${JSON.stringify((event as CustomEvent).detail)}`;
    log.prepend(item);
  });
}
$('clear-log').addEventListener('click', () => log.replaceChildren());

theme.addEventListener('change', () => {
  document.body.classList.toggle('dark', theme.value === 'dark');
  widgets().forEach((w) => w.setAttribute('theme', theme.value));
});
locale.addEventListener('change', () => widgets().forEach((w) => w.setAttribute('locale', locale.value)));

$('reset-sandbox').addEventListener('click', async () => {
  await fetch('/sandbox/_sandbox/reset', { method: 'POST' });
  Object.values(SERVICES).forEach((s) => mount(s));
});

function cell(text: string) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

async function listCustomers() {
  let fixtures: Record<string, Row[]>;
  try {
    fixtures = (await (await fetch('/sandbox/_sandbox/customers')).json()) as Record<string, Row[]>;
  } catch {
    for (const s of Object.values(SERVICES)) {
      $(s.table).innerHTML = '<tr><td>The sandbox is not embedded (a real aggregator is configured).</td></tr>';
    }
    return;
  }
  for (const [key, service] of Object.entries(SERVICES)) {
    $(service.table).replaceChildren(
      ...(fixtures[key] ?? []).map((customer) => {
        const row = document.createElement('tr');
        row.append(...service.cells(customer).map(cell));
        const use = (text: string, name: string, prefill: Record<string, string>) => {
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = text;
          b.setAttribute('aria-label', `Use ${name}`);
          b.addEventListener('click', () => mount(service, prefill));
          return b;
        };
        const td = document.createElement('td');
        td.append(use('Use', service.name(customer), service.prefill(customer)));
        if (service.also) td.append(' ', use(service.also.text, service.also.name(customer), service.also.prefill(customer)));
        row.append(td);
        return row;
      }),
    );
  }
}

void listCustomers();
