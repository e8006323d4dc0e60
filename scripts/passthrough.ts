/**
 * The floor every proxy figure is measured against (scripts/bench-servers.ts, scripts/lookup-cpu.ts): the least
 * an NEA lookup through any proxy needs. It reads the widget's body, adds the token and a fresh reference,
 * forwards it over a keep-alive `node:http` connection and relays the answer. Resolves to its URL.
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startPassthrough(upstream: URL, token: string): Promise<string> {
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.stringify({ ...JSON.parse(Buffer.concat(chunks).toString()), token, reference: randomUUID().replaceAll('-', '') });
      const out = request(
        {
          agent,
          host: upstream.hostname,
          port: upstream.port,
          path: '/api/servicegroup/details/nea/',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' });
          answer.pipe(res);
        },
      );
      out.on('error', () => res.writeHead(502).end());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
