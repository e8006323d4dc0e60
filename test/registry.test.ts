/**
 * What the compiler cannot see of the registry (src/services.ts): each service's element is exported by
 * the package's entry and has its own package export, and the history's filter takes every service.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as z from 'zod/mini';
import { historyRequest } from '../src/api.js';
import { SERVICES, SERVICE_TAGS } from '../src/services.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('the service registry', () => {
  it("exports every service's element from the package entry and as its own module", () => {
    const index = read('src/index.ts');
    const exports = (JSON.parse(read('package.json')) as { exports: Record<string, unknown> }).exports;
    for (const tag of SERVICE_TAGS) {
      assert.match(index, new RegExp(`from '\\./${tag}\\.js'`), `src/index.ts exports ${tag}`);
      assert.ok(`./${tag}.js` in exports, `package.json exports ./${tag}.js`);
    }
  });

  it("lets the history filter by every service at once", () => {
    const request = { page_size: 5, page_no: 1, filter_parameters: { service: [...SERVICES] } };
    assert.ok(z.safeParse(historyRequest, request).success);
    assert.equal(z.safeParse(historyRequest, { ...request, filter_parameters: { service: ['water'] } }).success, false);
  });
});
