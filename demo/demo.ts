import '../src/index.js';
import { SERVICES, SERVICE_REGISTRY, type ServiceId } from '../src/services.js';

type Row = Record<string, string>;

/** A table of test customers (`GET /_sandbox/customers`, by its `key`) and how "Use" fills in the widget. */
interface CustomerList {
  /** The sandbox's list name; the table body's id is `<key>-customers` (underscores as dashes). */
  key: string;
  heading: string;
  note?: string;
  /** Headers of the table (before the "Use" column). */
  columns: string[];
  /** Table cells of a test customer. */
  cells: (c: Row) => string[];
  /** The widget attributes that prefill a test customer. */
  prefill: (c: Row) => Record<string, string>;
  /** The accessible name of its "Use" button. */
  name: (c: Row) => string;
  /** A second way to use a test customer (NEA v2: by the old numbers), with its button text. */
  also?: { text: string; name: (c: Row) => string; prefill: (c: Row) => Record<string, string> };
}

/** What the demo adds to each registry entry: its test customers' tables. */
const DEMOS: Record<ServiceId, CustomerList[]> = {
  nea: [
    {
      key: 'nea',
      heading: 'Test customers',
      columns: ['Counter', 'SC No', 'Consumer ID', 'Case'],
      cells: (c) => [c.office_code!, c.sc_no!, c.consumer_id!, `${c.consumer_name}: ${c.case}`],
      prefill: (c) => ({ 'office-code': c.office_code!, 'sc-no': c.sc_no!, 'consumer-id': c.consumer_id! }),
      name: (c) => c.consumer_name!,
    },
    // NEA's second generation: offices migrated to the new billing, customers found by the new consumer number or the old numbers.
    {
      key: 'nea_v2',
      heading: "Test customers at offices on NEA's new billing (BALAJU, KALANKI)",
      note: '"Use" fills in the new consumer number; "Old numbers" the old SC No and consumer ID, from which the widget finds the new number.',
      columns: ['Counter', 'Consumer no', 'Old SC No / consumer ID', 'Case'],
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
  ],
  dreamer: [
    {
      key: 'dreamer',
      heading: 'Test customers',
      columns: ['Service', 'Customer code', 'Case'],
      cells: (c) => [c.service_name!, c.customer_code!, `${c.consumer_name}: ${c.case}`],
      prefill: (c) => ({ 'service-slug': c.service_slug!, 'customer-code': c.customer_code! }),
      name: (c) => `Dreamer ${c.customer_code}`,
    },
  ],
  dishhome: [
    {
      key: 'dishhome',
      heading: 'Test customers',
      columns: ['Customer ID', 'Package', 'Case'],
      cells: (c) => [c.customer_id!, c.package!, c.case!],
      prefill: (c) => ({ 'customer-id': c.customer_id! }),
      name: (c) => `Dish Home ${c.customer_id}`,
    },
  ],
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
const tableId = (list: CustomerList) => `${list.key.replaceAll('_', '-')}-customers`;

/** A section per service: its heading, its widget's stage and its test customers' tables. */
$('services').replaceChildren(
  ...SERVICES.map((id) => {
    const section = el('section', { className: 'service' });
    section.setAttribute('aria-labelledby', `${id}-title`);
    const tables = DEMOS[id].flatMap((list) => [
      el('h3', {}, list.heading),
      ...(list.note ? [el('p', { className: 'note' }, list.note)] : []),
      el(
        'table',
        {},
        el('thead', {}, el('tr', {}, ...[...list.columns, ''].map((c) => el('th', {}, c)))),
        el('tbody', { id: tableId(list) }),
      ),
    ]);
    section.append(
      el('h2', { id: `${id}-title` }, SERVICE_REGISTRY[id].name),
      el('div', { className: 'stage', id: `${id}-stage` }),
      el('div', { className: 'customers' }, ...tables),
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

for (const type of ['pay-success', 'pay-error', 'pay-pending', 'pay-step', 'pay-funding'] as const) {
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
  const lists = SERVICES.flatMap((id) => DEMOS[id].map((list) => ({ id, list })));
  let fixtures: Record<string, Row[]>;
  try {
    fixtures = (await (await fetch('/sandbox/_sandbox/customers')).json()) as Record<string, Row[]>;
  } catch {
    for (const { list } of lists) {
      $(tableId(list)).innerHTML = '<tr><td>The sandbox is not embedded (a real aggregator is configured).</td></tr>';
    }
    return;
  }
  for (const { id, list } of lists) {
    $(tableId(list)).replaceChildren(
      ...(fixtures[list.key] ?? []).map((customer) => {
        const row = document.createElement('tr');
        row.append(...list.cells(customer).map(cell));
        const use = (text: string, name: string, prefill: Record<string, string>) => {
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = text;
          b.setAttribute('aria-label', `Use ${name}`);
          b.addEventListener('click', () => mount(id, prefill));
          return b;
        };
        const td = document.createElement('td');
        td.append(use('Use', list.name(customer), list.prefill(customer)));
        if (list.also) td.append(' ', use(list.also.text, list.also.name(customer), list.also.prefill(customer)));
        row.append(td);
        return row;
      }),
    );
  }
}

void listCustomers();
