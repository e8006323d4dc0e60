import '../src/index.js';
import { SERVICES, SERVICE_REGISTRY, type ServiceId } from '../src/services.js';

type Row = Record<string, string>;

/** What the demo adds to a registry entry: how its test customers are listed and used. */
interface ServiceDemo {
  /** Headers of the test customers' table (before the "Use" column). */
  columns: string[];
  /** Table cells of a test customer. */
  cells: (c: Row) => string[];
  /** The widget attributes that prefill a test customer. */
  prefill: (c: Row) => Record<string, string>;
  /** The accessible name of its "Use" button. */
  name: (c: Row) => string;
}

const DEMOS: Record<ServiceId, ServiceDemo> = {
  nea: {
    columns: ['Counter', 'SC No', 'Consumer ID', 'Case'],
    cells: (c) => [c.office_code!, c.sc_no!, c.consumer_id!, `${c.consumer_name}: ${c.case}`],
    prefill: (c) => ({ 'office-code': c.office_code!, 'sc-no': c.sc_no!, 'consumer-id': c.consumer_id! }),
    name: (c) => c.consumer_name!,
  },
  dreamer: {
    columns: ['Service', 'Customer code', 'Case'],
    cells: (c) => [c.service_name!, c.customer_code!, `${c.consumer_name}: ${c.case}`],
    prefill: (c) => ({ 'service-slug': c.service_slug!, 'customer-code': c.customer_code! }),
    name: (c) => `Dreamer ${c.customer_code}`,
  },
  dishhome: {
    columns: ['Customer ID', 'Package', 'Case'],
    cells: (c) => [c.customer_id!, c.package!, c.case!],
    prefill: (c) => ({ 'customer-id': c.customer_id! }),
    name: (c) => `Dish Home ${c.customer_id}`,
  },
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const log = $<HTMLOListElement>('log');
const theme = $<HTMLSelectElement>('theme');
const locale = $<HTMLSelectElement>('locale');

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

/** A section per service: its heading, its widget's stage and its test customers' table. */
$('services').replaceChildren(
  ...SERVICES.map((id) => {
    const section = el('section', { className: 'service' });
    section.setAttribute('aria-labelledby', `${id}-title`);
    const head = el('tr', {}, ...[...DEMOS[id].columns, ''].map((c) => el('th', {}, c)));
    section.append(
      el('h2', { id: `${id}-title` }, SERVICE_REGISTRY[id].name),
      el('div', { className: 'stage', id: `${id}-stage` }),
      el('div', { className: 'customers' }, el('h3', {}, 'Test customers'), el('table', {}, el('thead', {}, head), el('tbody', { id: `${id}-customers` }))),
    );
    return section;
  }),
);

/** Replaces a widget with a fresh one (a new payment), keeping theme and language. */
function mount(id: ServiceId, prefill: Record<string, string> = {}) {
  const widget = document.createElement(SERVICE_REGISTRY[id].tag);
  widget.setAttribute('endpoint', '/api');
  widget.setAttribute('theme', theme.value);
  widget.setAttribute('locale', locale.value);
  for (const [name, value] of Object.entries(prefill)) widget.setAttribute(name, value);
  $(`${id}-stage`).replaceChildren(widget);
}
for (const id of SERVICES) mount(id);

const widgets = () => document.querySelectorAll<HTMLElement>(SERVICES.map((id) => SERVICE_REGISTRY[id].tag).join(','));

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
  SERVICES.forEach((id) => mount(id));
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
    for (const id of SERVICES) {
      $(`${id}-customers`).innerHTML = '<tr><td>The sandbox is not embedded (a real aggregator is configured).</td></tr>';
    }
    return;
  }
  for (const id of SERVICES) {
    const service = DEMOS[id];
    $(`${id}-customers`).replaceChildren(
      ...(fixtures[id] ?? []).map((customer) => {
        const row = document.createElement('tr');
        row.append(...service.cells(customer).map(cell));
        const use = document.createElement('button');
        use.type = 'button';
        use.textContent = 'Use';
        use.setAttribute('aria-label', `Use ${service.name(customer)}`);
        use.addEventListener('click', () => mount(id, service.prefill(customer)));
        const td = document.createElement('td');
        td.append(use);
        row.append(td);
        return row;
      }),
    );
  }
}

void listCustomers();
