import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** The store a DATABASE_URL names: `sqlite:<file>` (embedded) or `postgres://...` (shared by several proxies). */
export function openStore(databaseUrl: string): Store {
  if (databaseUrl.startsWith('sqlite:')) return openSqliteStore(databaseUrl.slice('sqlite:'.length));
  return openPostgresStore(databaseUrl);
}
