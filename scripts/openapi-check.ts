/**
 * Fails when openapi.json is not the document the proxy generates from the contract now.
 * Fix with `npm run openapi` and commit the result.
 */
import { isDeepStrictEqual } from 'node:util';
import { readFileSync } from 'node:fs';
import { openApiDocument } from '../src/server/openapi.js';

const committed = JSON.parse(readFileSync(new URL('../openapi.json', import.meta.url), 'utf8')) as unknown;
const fresh = openApiDocument() as { paths: Record<string, object>; info: { version: string } };
if (!isDeepStrictEqual(committed, fresh)) {
  console.error('openapi.json is out of date: run `npm run openapi` and commit it.');
  process.exit(1);
}
const operations = Object.values(fresh.paths).reduce((n, item) => n + Object.keys(item).length, 0);
console.log(`openapi.json is in sync (${fresh.info.version}: ${operations} operations)`);
