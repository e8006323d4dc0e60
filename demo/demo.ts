import '../src/index.js';

interface Customer {
  case: string;
  office_code: string;
  sc_no: string;
  consumer_id: string;
  consumer_name: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const stage = $('stage');
const log = $<HTMLOListElement>('log');
const theme = $<HTMLSelectElement>('theme');
const locale = $<HTMLSelectElement>('locale');

/** Replaces the widget with a fresh one (a new payment), keeping theme and language. */
function mountWidget(prefill: Partial<Record<'office-code' | 'sc-no' | 'consumer-id', string>> = {}) {
  const widget = document.createElement('nea-pay');
  widget.setAttribute('endpoint', '/api');
  widget.setAttribute('theme', theme.value);
  widget.setAttribute('locale', locale.value);
  for (const [name, value] of Object.entries(prefill)) widget.setAttribute(name, value);
  stage.replaceChildren(widget);
  return widget;
}

for (const type of ['pay-success', 'pay-error', 'pay-pending', 'pay-step'] as const) {
  stage.addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.className = type;
    item.textContent = `${new Date().toLocaleTimeString()} ${type} ${JSON.stringify((event as CustomEvent).detail)}`;
    log.prepend(item);
  });
}
$('clear-log').addEventListener('click', () => log.replaceChildren());

theme.addEventListener('change', () => {
  document.body.classList.toggle('dark', theme.value === 'dark');
  stage.querySelector('nea-pay')?.setAttribute('theme', theme.value);
});
locale.addEventListener('change', () => stage.querySelector('nea-pay')?.setAttribute('locale', locale.value));

$('reset-sandbox').addEventListener('click', async () => {
  await fetch('/sandbox/_sandbox/reset', { method: 'POST' });
  mountWidget();
});

async function listCustomers() {
  const body = $('customers');
  try {
    const response = await fetch('/sandbox/_sandbox/customers');
    const { nea } = (await response.json()) as { nea: Customer[] };
    body.replaceChildren(
      ...nea.map((c) => {
        const row = document.createElement('tr');
        for (const text of [c.office_code, c.sc_no, c.consumer_id, c.consumer_name, c.case]) {
          const cell = document.createElement('td');
          cell.textContent = text;
          row.append(cell);
        }
        const use = document.createElement('button');
        use.type = 'button';
        use.textContent = 'Use';
        use.setAttribute('aria-label', `Use ${c.consumer_name}`);
        use.addEventListener('click', () =>
          mountWidget({ 'office-code': c.office_code, 'sc-no': c.sc_no, 'consumer-id': c.consumer_id }),
        );
        const cell = document.createElement('td');
        cell.append(use);
        row.append(cell);
        return row;
      }),
    );
  } catch {
    body.innerHTML = '<tr><td colspan="6">The sandbox is not embedded (a real aggregator is configured).</td></tr>';
  }
}

void listCustomers();
