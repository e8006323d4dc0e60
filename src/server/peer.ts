/**
 * The proxy's packages (web framework, ledger drivers, metrics) are optional peers of bill-pay-widgets, so a
 * widget-only install pulls none of them. Each is loaded when used; a missing one is named with the command
 * that installs it, instead of Node's "Cannot find package".
 */
export class MissingPeerError extends Error {
  override name = 'MissingPeerError';
  readonly code = 'ERR_MISSING_PEER';
}

/** The packages the proxy itself needs (a ledger driver comes on top: better-sqlite3 or pg). */
export const PROXY_PEERS = ['hono', '@hono/node-server', 'jose', 'kysely'];

/**
 * For `import('pkg').catch(missingPeer('pkg', 'what needs it'))`: rethrows a missing package among `names` as a
 * MissingPeerError whose command installs all of them.
 */
export function missingPeer(names: string | string[], usedBy: string) {
  const list = typeof names === 'string' ? [names] : names;
  return (error: unknown): never => {
    const { code, message } = (error ?? {}) as { code?: string; message?: string };
    const notFound = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
    const missing = notFound ? list.find((name) => String(message).includes(`'${name}`)) : undefined;
    if (missing) throw new MissingPeerError(`${usedBy} needs ${missing}: npm install ${list.join(' ')}`);
    throw error;
  };
}
