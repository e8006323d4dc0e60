/** The demo server as `npm start` runs it, and the system Chromium, for the end-to-end tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const ARTIFACTS = 'test-results/e2e';

/** `demo`: the folder of built pages to serve (the React page's test builds its own). */
export async function startDemo(env: Record<string, string> = {}, demo = 'dist/demo'): Promise<{ url: string; server: ChildProcess; browser: Browser; stop: () => Promise<void> }> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', '--demo', demo], {
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'bill-pay-e2e-')),
      UPSTREAM_TIMEOUT_MS: '2000',
      STATUS_RECHECK_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    server.on('exit', (code) => reject(new Error(`demo server exited with ${code}: ${out}`)));
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    url,
    server,
    browser,
    async stop() {
      await browser.close();
      server.kill('SIGTERM');
    },
  };
}
