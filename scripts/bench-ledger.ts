/**
 * The pay path without HTTP: `Payments.pay` over a real ledger (SQLite file, and PostgreSQL when
 * TEST_DATABASE_URL's server answers), host funding on the sandbox wallet, and a provider whose commit
 * answers Success at once. 8 pays in flight; prints the process's CPU time per pay (user + system) and
 * pays per second. What it measures is the ledger and the pay rules alone: the figure to compare when
 * changing them (`npm run bench -- --commits` adds both HTTP hops and the sandbox).
 * `npx tsx scripts/bench-ledger.ts [pays=2000] [rounds=3]`
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tempPostgres } from '../test/server/harness.js';
import { hostFunding } from '../src/server/funding/host.js';
import { Payments } from '../src/server/payments.js';
import type { Provider } from '../src/server/providers/types.js';
import { openPostgresStore } from '../src/server/store/postgres.js';
import { openSqliteStore } from '../src/server/store/sqlite.js';
import type { Store } from '../src/server/store/store.js';
import { createSandboxWallet } from '../src/sandbox/wallet.js';

const PAYS = Number(process.argv[2] ?? 2000);
const ROUNDS = Number(process.argv[3] ?? 3);
const IN_FLIGHT = 8;
const log = () => undefined;

const provider = {
  service: 'dishhome',
  statusLookup: false,
  commit: async () => ({ kind: 'answer', status: 200, body: { status: true, state: 'Success', id: 1 } }),
} as unknown as Provider<never>;

async function round(store: Store, first: number) {
  const wallet = createSandboxWallet({ balancePaisa: 1e14 });
  const payments = new Payments({
    store,
    quoteTtlMs: 600_000,
    aggregator: {} as never,
    providers: [provider],
    log,
    now: Date.now,
    upstreamTimeoutMs: 15_000,
    reconcileDelayMs: 300_000,
    reconcileMaxAttempts: 5,
    statusRecheckMs: 30_000,
    fundings: new Map([['host', hostFunding(wallet.hooks, log)]]),
  });
  const t0 = Date.now();
  const quotes = Array.from({ length: PAYS }, (_, i) => ({
    id: `q-${first + i}`,
    service: 'dishhome' as const,
    sessionId: `s-${first + i}`,
    customerName: 'Bench',
    account: `dishhome:${first + i}`,
    subject: null,
    charges: {},
    createdAt: t0,
    expiresAt: t0 + 600_000,
    facts: [],
    bills: [],
    packages: [{ id: 1, description: 'Bench', price_paisa: 40_000, months: 1, bonus_paisa: 0, regular: false }],
    totalDuePaisa: 0,
    minPaisa: 40_000,
    maxPaisa: 40_000,
  }));
  await store.saveQuotes(quotes as never);
  let next = 0;
  let failed = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < quotes.length) {
        const q = quotes[next++]!;
        const { payment } = await payments.pay(provider, `key-${q.id}`, { quote_id: q.id, amount_paisa: 40_000, package_id: 1 }, null, { method: 'host', returnUrl: null });
        if (payment.state !== 'success') failed++;
      }
    }),
  );
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: PAYS / seconds, cpuUs: (used.user + used.system) / PAYS, failed };
}

const ledgers: [string, () => Promise<{ store: Store; close: () => Promise<void> }>][] = [
  ['SQLite', async () => ({ store: openSqliteStore(join(mkdtempSync(join(tmpdir(), 'bench-ledger-')), 'ledger.sqlite')), close: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const pg = await tempPostgres();
      if ('skip' in pg) throw new Error(pg.skip);
      return { store: openPostgresStore(pg.url), close: pg.drop };
    },
  ],
];
for (const [name, open] of ledgers) {
  if (process.env.BENCH_LEDGERS && !process.env.BENCH_LEDGERS.toLowerCase().split(',').some((l) => name.toLowerCase().startsWith(l))) continue;
  const { store, close } = await open();
  await store.ready();
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await round(store, r * PAYS));
  const cpus = runs.map((x) => x.cpuUs.toFixed(0)).join(' ');
  console.log(`${name}: ${runs.map((x) => x.perSecond.toFixed(0)).join(' ')} pays/s; CPU per pay ${cpus} us (rounds); ${runs.reduce((s, x) => s + x.failed, 0)} not successful`);
  await store.close();
  await close();
}
