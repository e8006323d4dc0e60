/**
 * Sums a CPU profile of the benchmark's servers (`BENCH_PROFILE=<dir> npm run bench`) by where the time
 * went: `npx tsx scripts/bench-profile.ts <dir or .cpuprofile> [file|function|inclusive] [rows] [--last=<s>]`.
 * - file (default): self time per source file (node_modules by package);
 * - function: self time per function;
 * - inclusive: time per function with what it called (each function counted once per sample).
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
