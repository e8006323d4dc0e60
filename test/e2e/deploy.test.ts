/**
 * compose.yaml's proxies, run as the image runs them: the Dockerfile's CMD (`node dist/server/main.js`) with
 * the Dockerfile's ENV and compose.yaml's environment, two instances on one PostgreSQL ledger in front of one
 * sandbox aggregator. Only the addresses change (the test database, the sandbox's port, loopback, port 0).
 * The Dockerfile's HEALTHCHECK command is run against each.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createSandbox } from '../../src/sandbox/sandbox.js';
import { composeEnvironment, dockerfile, readCompose } from '../server/deploy-files.js';
import { listen, SEED, tempPostgres } from '../server/harness.js';

const run = promisify(execFile);
const image = dockerfile();
const compose = readCompose() as { services: Record<string, { command?: unknown; build?: string }> };
const proxyNames = Object.entries(compose.services).filter(([, s]) => s.build === '.' && !s.command).map(([name]) => name);

function start(env: Record<string, string>): Promise<{ url: string; port: string; child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(image.cmd[0] === 'node' ? process.execPath : image.cmd[0]!, image.cmd.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+:(\d+))/.exec(out);
      if (match) resolve({ url: match[1]!, port: match[2]!, child, exited });
    });
    void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
}

describe('compose.yaml\'s two proxies, run with the image\'s command', () => {
  let skip: string | undefined;
  const cleanup: (() => Promise<unknown>)[] = [];
  const proxies: Awaited<ReturnType<typeof start>>[] = [];

  before(async () => {
    const database = await tempPostgres();
    if ('skip' in database) {
      skip = database.skip;
      return;
    }
    cleanup.push(database.drop);
    const envs = proxyNames.map((name) => composeEnvironment(compose, name));
    const sandbox = createSandbox({ tokens: [envs[0]!.AGGREGATOR_TOKEN!] });
    const upstream = await listen(sandbox.fetch);
    cleanup.push(upstream.close);
    const { PATH, HOME } = process.env;
    for (const env of envs) {
      const addresses = { DATABASE_URL: database.url, AGGREGATOR_BASE_URL: upstream.url, HOST: '127.0.0.1', PORT: '0', DATA_DIR: '/nonexistent' };
      proxies.push(await start({ PATH: PATH!, HOME: HOME!, ...image.env, ...env, ...addresses }));
    }
  });

  after(async () => {
    for (const p of proxies) {
      p.child.kill('SIGTERM');
      assert.equal(await p.exited, 0, 'SIGTERM drains and exits 0');
    }
    for (const step of cleanup.reverse()) await step();
  });

  it('share one ledger: a lookup on one instance is paid on the other, and replayed on the first', async (t) => {
    if (skip) return t.skip(skip);
    assert.equal(proxies.length, 2);
    const [a, b] = proxies as [(typeof proxies)[0], (typeof proxies)[0]];
    const post = (url: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, json: (await r.json()) as { data: { response: Record<string, string> } } }),
      );
    const quote = await post(a.url, '/api/nea/lookup', SEED);
    assert.equal(quote.status, 200);
    const pay = { quote_id: quote.json.data.response.quote_id, amount_paisa: 45000 };
    const paid = await post(b.url, '/api/nea/pay', pay, { 'idempotency-key': 'deploy-key-0001' });
    assert.equal(paid.status, 200);
    assert.equal(paid.json.data.response.state, 'success');
    const replay = await post(a.url, '/api/nea/pay', pay, { 'idempotency-key': 'deploy-key-0001' });
    assert.equal(replay.json.data.response.reference, paid.json.data.response.reference);
    for (const p of proxies) {
      const metrics = await (await fetch(`${p.url}/metrics`)).text();
      assert.match(metrics, /^bill_pay_payments\{state="success"\} 1$/m, 'both read the shared ledger');
    }
  });

  it('pass the Dockerfile\'s HEALTHCHECK command', async (t) => {
    if (skip) return t.skip(skip);
    const check = /^HEALTHCHECK .*?CMD (\[.*\])$/m.exec(image.stages.at(-1)!.join('\n'));
    const command = JSON.parse(check![1]!) as string[];
    for (const p of proxies) {
      await run(process.execPath, command.slice(1), { env: { ...process.env, PORT: p.port } });
    }
    await assert.rejects(run(process.execPath, command.slice(1), { env: { ...process.env, PORT: '1' } }), 'fails when nothing answers');
  });
});
