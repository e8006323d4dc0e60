/**
 * The shared ledger for several proxy instances: PostgreSQL, with the schema and queries of ledger.ts.
 * Kysely's migrator runs the migrations once at start-up under an advisory lock, so instances starting
 * together agree.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import { missingPeer } from '../peer.js';
import { createLedger, type LedgerDialect } from './ledger.js';
import type { Ledger } from './schema.js';
import type { Store } from './store.js';

/** Which steps of schema.ts each count in the old `bill_pay_migrations` stands for (its first step was our first two). */
const LEGACY_STEPS = [0, 2, 3, 4, 5];

export const POSTGRES: LedgerDialect = {
  bigint: 'bigint',
  json: 'jsonb',
  unlogged: true,
  writableCte: true,
  async legacySteps(db) {
    const { rows } = await sql<{ table: string | null }>`SELECT to_regclass('bill_pay_migrations')::text AS table`.execute(db);
    if (!rows[0]!.table) return 0;
    const counted = await sql<{ version: number }>`SELECT COALESCE(MAX(version), 0) AS version FROM bill_pay_migrations`.execute(db);
    return LEGACY_STEPS[counted.rows[0]!.version] ?? 0;
  },
  // Concurrent reconcilers skip the rows another one is claiming instead of waiting for it.
  lockDue: (query) => query.forUpdate().skipLocked(),
  withCharge: (amountKey, chargePaisa) => sql<string>`charges || jsonb_build_object(${amountKey}::text, ${chargePaisa}::bigint)`,
  like: 'ilike',
};

export function openPostgresStore(url: string, poolSize = 10): Store {
  // The driver (an optional peer) is loaded on the first query: `store.ready()` reports it missing.
  const pool = (options: string | undefined, max: number) => async () => {
    const { default: pg } = await import('pg').catch(missingPeer('pg', 'DATABASE_URL=postgres://...'));
    const opened = new pg.Pool({ connectionString: url, max, ...(options ? { options } : {}) });
    opened.on('error', () => undefined);
    return opened;
  };
  const relaxed = new Kysely<Ledger>({ dialect: new PostgresDialect({ pool: pool(RELAXED_OPTIONS, RELAXED_POOL) }) });
  return createLedger(new Kysely<Ledger>({ dialect: new PostgresDialect({ pool: pool(undefined, poolSize) }) }), POSTGRES, relaxed);
}

/**
 * The relaxed writes (quotes, rate-limit counts, a funding becoming `secured`) commit without waiting for
 * the WAL's flush (`synchronous_commit = off`): the server flushes within a few hundred milliseconds, and a
 * server crash may lose the last of them, never corrupting anything. A quote lost costs a lookup, a count
 * a little leniency. Every payment write commits synchronously, and its flush carries every relaxed commit
 * made before it (the WAL is one sequence): a `secured` funding is durable once the payment write that
 * follows it in every path (the commit's intent) is.
 */
const RELAXED_OPTIONS = '-c synchronous_commit=off';
const RELAXED_POOL = 4;
