/**
 * Sums a CPU profile of the benchmark's servers (`BENCH_PROFILE=<dir> npm run bench`) by where the time
 * went: `npx tsx scripts/bench-profile.ts <dir or .cpuprofile> [file|function|inclusive] [rows] [--last=<s>]`.
 * - file (default): self time per source file (node_modules by package);
 * - function: self time per function;
 * - inclusive: time per function with what it called (each function counted once per sample);
 * - split: time per part of the proxy (HTTP plumbing, ledger, sandbox, funding, zod, logging...): each
 *   sample goes to the innermost frame of its stack that names a part (`PARTS`), so a statement run by the
 *   ledger is the ledger's, a socket write the HTTP plumbing's.
 * `--last=<s>` keeps only the last seconds of the profile (the load, without the start-up).
 * The profiler samples wall time: on a machine busy with other work, a function that was descheduled
 * is charged for the wait, native calls (a write, a database statement) most of all.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const WEAK = 'timers, microtasks, the rest of Node';
/** The parts of `split`, by the first rule matching a frame's URL or function (native frames have no URL). */
const PARTS: [string, (url: string, fn: string) => boolean][] = [
  ['idle', (_, fn) => fn === '(idle)'],
  ['garbage collector', (_, fn) => fn === '(garbage collector)'],
  ['zod', (url) => url.includes('/node_modules/zod/')],
  ['logging', (url) => url.includes('/src/server/log.ts')],
  ['ledger: Kysely (building, compiling, executing)', (url) => url.includes('/node_modules/kysely/')],
  // better-sqlite3's statements are native functions without a URL: the SQL itself, run on the event loop.
  ['ledger: SQL (better-sqlite3 statements), drivers (pg)', (url, fn) => (!url && ['run', 'all', 'get', 'iterate', 'prepare', 'exec'].includes(fn)) || /\/node_modules\/(better-sqlite3|pg|pg-protocol|pg-pool)\//.test(url)],
  ['ledger: our store code (sqlite.ts, ledger.ts, rows.ts)', (url) => url.includes('/src/server/store/')],
  ['funding (host module, sandbox wallet)', (url) => url.includes('/src/server/funding/') || url.includes('/src/sandbox/wallet.ts')],
  ['sandbox aggregator (its routes and state)', (url) => url.includes('/src/sandbox/')],
  ['aggregator client (aggregator.ts)', (url) => url.includes('/src/server/aggregator.ts')],
  ['HTTP: Hono, @hono/node-server', (url) => /\/node_modules\/(hono|@hono)\//.test(url)],
  ['HTTP: node:http, sockets, streams, undici', (url) => /^node:(_http|net|internal\/(streams|stream_base_commons|deps\/undici|http|net)|http|stream|events|buffer)/.test(url)],
  ['AsyncLocalStorage, promise hooks', (url) => /^node:(internal\/)?async_hooks/.test(url)],
  ['proxy: pay rules, routes, middleware (src/server)', (url) => url.includes('/src/server/')],
  ['the profiler itself (BENCH_PROFILE)', (url) => url === 'node:inspector'],
  // Weak: only when no frame further out names a part (a microtask queue run from a socket's callback is HTTP).
  [WEAK, (url) => url.startsWith('node:')],
];
const partOf = (leaf: number, byId: Map<number, Node>, parent: Map<number, number>) => {
  let weak = false;
  for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
    const { url, functionName } = byId.get(id)!.callFrame;
    const part = PARTS.find(([, match]) => match(url, functionName))?.[0];
    if (part === WEAK) weak = true;
    else if (part) return part;
  }
  return weak ? WEAK : '(program, other)';
};

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const last = Number(process.argv.find((a) => a.startsWith('--last='))?.slice('--last='.length) ?? 0) * 1e6;
const [target, mode = 'file', rows = '30'] = args;
if (!target) {
  console.error('usage: tsx scripts/bench-profile.ts <dir or .cpuprofile> [file|function|inclusive] [rows] [--last=<seconds>]');
  process.exit(2);
}
const files = statSync(target).isDirectory()
  ? readdirSync(target)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => join(target, f))
  : [target];

const short = (url: string) => url.replace(/^.*node_modules\//, 'npm:').replace(/^file:\/\/.*?\/(src|scripts|test)\//, '$1/');
const fileOf = (url: string) => {
  const file = short(url) || '(native)';
  if (!file.startsWith('npm:')) return file;
  return file.split('/').slice(0, file.startsWith('npm:@') ? 2 : 1).join('/');
};
const keyOf = (node: Node) =>
  mode === 'file' ? fileOf(node.callFrame.url) : `${node.callFrame.functionName || '(anonymous)'} ${short(node.callFrame.url) || '(native)'}:${node.callFrame.lineNumber + 1}`;

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const end = profile.timeDeltas.reduce((a, b) => a + b, 0);
  const totals = new Map<string, number>();
  let at = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (last && at < end - last) return;
    total += delta;
    if (mode === 'split') {
      const key = partOf(id, byId, parent);
      totals.set(key, (totals.get(key) ?? 0) + delta);
      return;
    }
    if (mode !== 'inclusive') {
      const key = keyOf(byId.get(id)!);
      totals.set(key, (totals.get(key) ?? 0) + delta);
      return;
    }
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const key = keyOf(byId.get(node)!);
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + delta);
    }
  });
  console.log(`${file}: ${(total / 1e6).toFixed(2)} s sampled`);
  for (const [key, t] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(rows))) {
    console.log(`${(t / 1000).toFixed(0).padStart(8)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}
