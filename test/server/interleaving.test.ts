/**
 * Property: whatever the interleaving of duplicate pays, retries and lost or broken commit answers,
 * a quote is committed at most once, no commit is ever re-sent, and after reconciliation the ledger
 * says what the aggregator says about every payment.
 */
import { createSandboxWallet } from '../../src/sandbox/wallet.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadConfig } from '../../src/server/config.js';
import { createProxy } from '../../src/server/proxy.js';
import { createSandbox } from '../../src/sandbox/sandbox.js';

const TOKEN = 'TEST:interleaving';
type Fault = 'none' | 'lose' | 'http502';

const json = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(`http://proxy.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('interleavings of duplicate pays, retries and faults', () => {
  it('commit at most once per quote and leave the ledger equal to the aggregator', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 2 }), amount: fc.constantFrom(20000, 45000) }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom<Fault>('none', 'lose', 'http502'), { minLength: 6, maxLength: 6 }),
        async (s, attempts, faults) => {
          const sandbox = createSandbox({ tokens: [TOKEN] });
          const commitFaults = [...faults];
          // Every aggregator answer is released by the scheduler, in an order fast-check chooses; a commit
          // answer may be lost (after the aggregator processed it) or replaced by a gateway error.
          const upstream: typeof fetch = async (input, init) => {
            const request = new Request(input, init);
            const fault = request.url.includes('/commit/') ? (commitFaults.shift() ?? 'none') : 'none';
            const response = await s.schedule(Promise.resolve(sandbox.fetch(request)), `${new URL(request.url).pathname} ${fault}`);
            if (fault === 'lose') throw new TypeError('socket hang up', { cause: { code: 'ECONNRESET' } });
            if (fault === 'http502') return new Response('Bad gateway', { status: 502 });
            return response;
          };
          const proxy = createProxy({
            config: loadConfig({
              AGGREGATOR_BASE_URL: 'http://aggregator.test',
              AGGREGATOR_TOKEN: TOKEN,
              DATABASE_URL: 'sqlite::memory:',
              UPSTREAM_TIMEOUT_MS: '60000',
              RATE_LIMIT_PER_MINUTE: '0',
              LOOKUPS_PER_CUSTOMER_PER_MINUTE: '0',
              RECONCILE_INTERVAL_MS: '0',
              RECONCILE_DELAY_MS: '0',
              RECONCILE_MAX_ATTEMPTS: '1',
              FUNDING: 'host',
            }),
            hostFunding: createSandboxWallet().hooks,
            fetch: upstream,
            log: () => {},
          });
          try {
            const lookup = await s.waitFor(
              Promise.resolve(proxy.fetch(json('/api/nea/lookup', { office_code: '201:ratnapark-dc', sc_no: '024.12.512', consumer_id: '3042' }))),
            );
            const quoteId = ((await lookup.json()) as { data: { response: { quote_id: string } } }).data.response.quote_id;
            const answers = await s.waitFor(
              Promise.all(
                attempts.map((a) =>
                  Promise.resolve(proxy.fetch(json('/api/nea/pay', { quote_id: quoteId, amount_paisa: a.amount }, { 'idempotency-key': `key-${a.key}-of-run` }))),
                ),
              ),
            );
            for (const answer of answers) assert.ok(answer.status < 500, `pay answered ${answer.status}`);
            await s.waitFor(proxy.payments.reconcile({ all: true }));

            const commits = sandbox.state.calls.filter((c) => c.step === 'commit');
            const references = commits.map((c) => c.reference!);
            assert.equal(new Set(references).size, references.length, 'a commit was re-sent');
            const successes = [...sandbox.state.transactions.values()].filter((t) => t.state === 'Success');
            assert.ok(successes.length <= 1, `${successes.length} successful commits for one quote`);
            for (const reference of references) {
              const row = (await proxy.store.paymentByReference(reference))!;
              const tx = sandbox.state.transactions.get(reference);
              const expected = tx?.state === 'Success' ? 'success' : 'failed';
              assert.equal(row.state, expected, `ledger ${row.state} vs aggregator ${tx?.state ?? 'no transaction'}`);
            }
          } finally {
            await proxy.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
