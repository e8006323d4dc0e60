/**
 * The proxy as a Node request listener, for `node:http` servers and Express: `(req, res) => ...`. It
 * builds a fetch Request, hands the socket to the proxy (as `env`, the way @hono/node-server does) so per-
 * client rate limits see the client's address, and streams the Response back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';

/** Anything with the proxy's fetch handler: `createProxy(...)`, or a Hono app that mounts it. */
export interface FetchHandler {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

/**
 * `http.createServer(nodeHandler(proxy))`, or in Express `app.use('/api', nodeHandler(proxy))` (before any
 * body parser: the proxy reads the body itself).
 */
export function nodeHandler(proxy: FetchHandler) {
  const listener = getRequestListener((request, env) => proxy.fetch(request, env));
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse): Promise<void> => {
    // Express strips its mount path from req.url; the proxy's routes are the full paths (/api/...).
    if (req.originalUrl) req.url = req.originalUrl;
    return listener(req, res);
  };
}
