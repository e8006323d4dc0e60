/**
 * Fails when custom-elements.json is not what the analyzer generates from the code now.
 * Fix with `npm run cem` and commit the result.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// The analyzer joins --outdir onto the working directory even when it is absolute: use a relative one.
const dir = '.cem-check';
try {
  execFileSync('node_modules/.bin/cem', ['analyze', '--litelement', '--outdir', dir], { stdio: 'pipe' });
  const fresh = readFileSync(join(dir, 'custom-elements.json'), 'utf8');
  const committed = readFileSync('custom-elements.json', 'utf8');
  if (JSON.stringify(JSON.parse(fresh)) !== JSON.stringify(JSON.parse(committed))) {
    console.error('custom-elements.json is out of date: run `npm run cem` and commit it.');
    process.exit(1);
  }
  const elements = (JSON.parse(committed) as { modules: { declarations?: { tagName?: string }[] }[] }).modules
    .flatMap((m) => m.declarations ?? [])
    .filter((d) => d.tagName)
    .map((d) => `<${d.tagName}>`);
  console.log(`custom-elements.json is in sync (${elements.join(', ')})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
