/**
 * Writes src/internal/guards.generated.ts and src/internal/pay-guards.generated.ts: the browser's checks of
 * the proxy's answers, generated from the contract's zod/mini response schemas (src/api.ts, the widget routes
 * of src/contract.ts), so the browser bundles no zod and the checks cannot drift from the schemas. The first
 * module holds the first load's (the envelope and the lists' answers), the second the checkout's (the lazy
 * steps' chunk: the lookup's answer, which waits for that chunk anyway, and the pay stage's), each whole by itself. Run `npm run guards` after changing a
 * response schema; `--check` fails when the checked-in module is not what this script generates now.
 *
 * Each guard accepts exactly what `z.safeParse` accepts for JSON values (test/guards.test.ts checks the
 * agreement): types, safe integers and their bounds, enums, literals, nullables, optionals, arrays, records,
 * nested objects and (discriminated) unions; extra keys pass, as in `z.object`. A schema using anything else
 * (a string pattern, a transform, a strict object...) stops the generator with its path, rather than be
 * checked less than zod would.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as api from '../src/api.js';
import { WIDGET_ROUTES } from '../src/contract.js';

export const GUARDS_FILE = fileURLToPath(new URL('../src/internal/guards.generated.ts', import.meta.url));
export const PAY_GUARDS_FILE = fileURLToPath(new URL('../src/internal/pay-guards.generated.ts', import.meta.url));

/** Which module a stage's guards are written to (client.ts checks the first load's, checkout.ts the rest). */
export const STAGE_FILES = { first: GUARDS_FILE, checkout: PAY_GUARDS_FILE } as const;
export type Stage = keyof typeof STAGE_FILES;

interface Def {
  type: string;
  [key: string]: unknown;
}
interface Schema {
  _zod: { def: Def };
}

/** The contract's names of its schemas (api.ts exports), for readable guards. */
function contractNames(): Map<unknown, string> {
  const names = new Map<unknown, string>();
  for (const [name, value] of Object.entries(api)) {
    if (value && typeof value === 'object' && '_zod' in value && !names.has(value)) names.set(value, name);
  }
  return names;
}

/** The first load's routes: the lists (a GET of one service, as contract.ts `ListRoute`). */
const firstStage = (route: { method: string; service?: string }) => route.method === 'GET' && route.service !== undefined;

/**
 * The schemas the browser reads, by their api.ts name: the envelope, each widget route's answer, and an
 * error's `details.reference` (all of them, or one stage's). Each becomes the guard `is<Name>`.
 */
export function guardedSchemas(stage?: Stage): Record<string, Schema> {
  const names = contractNames();
  const routes = Object.values(WIDGET_ROUTES).filter((route) => !stage || firstStage(route) === (stage === 'first'));
  const roots: unknown[] = [
    ...(stage !== 'checkout' ? [api.envelope] : []),
    ...routes.map((route) => route.response),
    ...(stage !== 'first' ? [api.referenceDetails] : []),
  ];
  return Object.fromEntries(
    [...new Set(roots)]
      .filter((s): s is Schema => s !== null)
      .map((schema) => {
        const name = names.get(schema);
        if (!name) throw new Error('scripts/guards.ts: every guarded schema must be exported by src/api.ts');
        return [name, schema];
      }),
  );
}

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`);
const capital = (name: string) => name[0]!.toUpperCase() + name.slice(1);

/** The module's text: a guard `is<Name>` for each schema (by default the browser's, `guardedSchemas()`). */
export function generateGuards(schemas: Record<string, Schema> = guardedSchemas()): string {
  const names = contractNames();
  for (const [name, schema] of Object.entries(schemas)) if (!names.has(schema)) names.set(schema, name);
  /** Each object or union schema becomes one function (shared where the contract shares the schema). */
  const functions = new Map<Schema, { name: string; parts: string[] }>();
  /** The helpers' names are taken; a schema named like one gets a suffix. */
  const taken = new Set<string>(['object', 'every', 'array', 'record', 'int']);
  const helpers = new Set<string>();
  /** The functions in the order they are complete: each after those it calls (but for a recursive schema). */
  const written: { name: string; parts: string[] }[] = [];

  const fresh = (wanted: string) => {
    let name = wanted;
    for (let n = 2; taken.has(name); n++) name = `${wanted}${n}`;
    taken.add(name);
    return name;
  };

  /** A boolean expression: does `v` pass `schema`? */
  function expr(schema: Schema, v: string, path: string): string {
    const def = schema._zod.def;
    const unsupported = (what: string) => new Error(`scripts/guards.ts: ${path}: ${what} is not supported; extend the generator (and its test)`);
    const checks = (def.checks as Schema[] | undefined) ?? [];
    if (def.type !== 'number' && checks.length) throw unsupported(`a check on a ${def.type}`);
    switch (def.type) {
      case 'string':
        return `typeof ${v} == 'string'`;
      case 'boolean':
        return `typeof ${v} == 'boolean'`;
      case 'unknown':
      case 'any':
        return 'true';
      case 'number': {
        const format = def.format as string | undefined;
        if (format !== undefined && format !== 'safeint' && format !== 'float64') throw unsupported(`the number format ${format}`);
        const bounds = checks.map((check) => check._zod.def as unknown as { check: string; value: unknown; inclusive: boolean });
        for (const b of bounds) {
          if ((b.check !== 'greater_than' && b.check !== 'less_than') || typeof b.value !== 'number') throw unsupported(`the number check ${b.check}`);
        }
        const lo = bounds.find((b) => b.check === 'greater_than' && b.inclusive);
        const hi = bounds.find((b) => b.check === 'less_than' && b.inclusive);
        if (format === 'safeint' && bounds.length === 2 && lo && hi) {
          helpers.add('int');
          return `int(${v}, ${lo.value}, ${hi.value})`;
        }
        const parts = [format === 'safeint' ? `Number.isSafeInteger(${v})` : `Number.isFinite(${v})`];
        for (const b of bounds) parts.push(`${v} ${b.check === 'greater_than' ? '>' : '<'}${b.inclusive ? '=' : ''} ${b.value}`);
        return parts.join(' && ');
      }
      case 'enum':
        return `${JSON.stringify(Object.values(def.entries as Record<string, unknown>))}.includes(${v})`;
      case 'literal': {
        const values = def.values as unknown[];
        if (!values.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x))) throw unsupported('a literal JSON cannot carry');
        return values.length === 1 ? `${v} === ${JSON.stringify(values[0])}` : `${JSON.stringify(values)}.includes(${v})`;
      }
      case 'nullable':
        return `(${v} === null || ${expr(def.innerType as Schema, v, path)})`;
      case 'optional':
        throw unsupported('an optional outside an object');
      case 'array':
        helpers.add('array');
        return `array(${v}, ${fn(def.element as Schema, path + '[]')})`;
      case 'record': {
        const keyDef = (def.keyType as Schema)._zod.def;
        if (keyDef.type !== 'string' || (keyDef.checks as unknown[] | undefined)?.length) throw unsupported('a record key other than a plain string');
        helpers.add('record');
        return `record(${v}, ${fn(def.valueType as Schema, path + '{}')})`;
      }
      case 'object':
      case 'union':
        return `${named(schema, path)}(${v})`;
      default:
        throw unsupported(`a ${def.type}`);
    }
  }

  /** A function expression for `schema` (an element's or a record value's check). */
  function fn(schema: Schema, path: string): string {
    const def = schema._zod.def;
    if (def.type === 'object' || def.type === 'union') return named(schema, path);
    return `(x: any) => ${expr(schema, 'x', path)}`;
  }

  /** The name of the function that checks an object or a union (written once, wherever it is used). */
  function named(schema: Schema, path: string): string {
    const known = functions.get(schema);
    if (known) return known.name;
    const def = schema._zod.def;
    const name = fresh(names.get(schema) ?? path.replace(/\W+/g, '_').replace(/^_|_$/g, ''));
    const entry = { name, parts: [] as string[] };
    functions.set(schema, entry);
    if (def.type === 'union') {
      // A discriminated union accepts what one of its options does, as a plain union (its options' discriminators differ).
      const label = (option: Schema, i: number) => {
        const tag = def.discriminator ? (option._zod.def.shape as Record<string, Schema> | undefined)?.[def.discriminator as string] : undefined;
        const values = tag?._zod.def.type === 'literal' ? (tag._zod.def.values as unknown[]) : [];
        return values.length === 1 && typeof values[0] === 'string' ? values[0] : String(i);
      };
      entry.parts = [(def.options as Schema[]).map((option, i) => expr(option, 'v', `${name}.${label(option, i)}`)).join(' || ')];
    } else {
      const catchall = (def.catchall as Schema | undefined)?._zod.def.type;
      if (catchall !== undefined && catchall !== 'unknown') throw new Error(`scripts/guards.ts: ${path}: a ${catchall} catchall (strict object) is not supported`);
      helpers.add('object');
      const parts = (entry.parts = ['object(v)']);
      for (const [field, value] of Object.entries(def.shape as Record<string, Schema>)) {
        const at = `v${key(field)}`;
        const d = value._zod.def;
        if (d.type === 'optional') {
          const inner = d.innerType as Schema;
          const innerType = inner._zod.def.type;
          if (innerType === 'unknown' || innerType === 'any') continue;
          // Absent, or present as undefined: both pass an optional, as in zod.
          if (innerType === 'nullable') parts.push(`(${at} == null || ${expr((inner._zod.def.innerType as Schema), at, `${path}.${field}`)})`);
          else parts.push(`(${at} === undefined || ${expr(inner, at, `${path}.${field}`)})`);
        } else if (d.type === 'unknown' || d.type === 'any') {
          // Zod wants the key present even when any value goes.
          parts.push(`${JSON.stringify(field)} in v`);
        } else {
          parts.push(expr(value, at, `${path}.${field}`));
        }
      }
    }
    written.push(entry);
    return name;
  }

  const roots = Object.entries(schemas).map(([name, schema]) => ({ name, fn: named(schema, name) }));

  const HELPERS: Record<string, string> = {
    object: "const object = (v: any): boolean => typeof v == 'object' && v !== null && !Array.isArray(v);",
    // for...of, not Array#every: a hole is checked as undefined, as zod does.
    every: 'const every = (values: Iterable<unknown>, check: (x: any) => boolean): boolean => {\n  for (const x of values) if (!check(x)) return false;\n  return true;\n};',
    array: 'const array = (v: any, check: (x: any) => boolean): boolean => Array.isArray(v) && every(v, check);',
    // Zod checks a record's keys too: from JSON they are strings, which a plain string key accepts.
    record: 'const record = (v: any, check: (x: any) => boolean): boolean => object(v) && every(Object.values(v), check);',
    int: 'const int = (v: any, min: number, max: number): boolean => Number.isSafeInteger(v) && v >= min && v <= max;',
  };
  if (helpers.has('array')) helpers.add('every');
  if (helpers.has('record')) helpers.add('every').add('object');
  const lines = [
    '// Generated by scripts/guards.ts (`npm run guards`) from the response schemas of src/api.ts: do not edit.',
    '// The browser checks the proxy\'s answers with these instead of zod (test/guards.test.ts: same verdicts).',
    "import type * as api from '../api.js';",
    "import type * as z from 'zod/mini';",
    '',
    '/** Does `value` pass the schema? (Unknown extra keys pass, as in `z.object`; the value is not copied.) */',
    'export type Guard<T> = (value: unknown) => value is T;',
    '',
    ...Object.keys(HELPERS).filter((h) => helpers.has(h)).map((h) => HELPERS[h]!),
    '',
    ...written.map(({ name, parts }) => `const ${name} = (v: any): boolean =>\n  ${parts.join(' &&\n  ')};`),
    '',
    ...roots.map(({ name, fn }) => `export const is${capital(name)} = ${fn} as Guard<z.output<typeof api.${name}>>;`),
    '',
  ];
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [stage, file] of Object.entries(STAGE_FILES) as [Stage, string][]) {
    const text = generateGuards(guardedSchemas(stage));
    const shown = `src/internal/${file.split('/').pop()}`;
    if (process.argv.includes('--check')) {
      if (readFileSync(file, 'utf8') !== text) {
        console.error(`${shown} is out of date: run \`npm run guards\` and commit it.`);
        process.exit(1);
      }
      console.log(`${shown} is in sync with the contract`);
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${shown}`);
    }
  }
}
