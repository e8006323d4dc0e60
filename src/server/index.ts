/**
 * The merchant proxy (Node): `import { createProxy, loadConfig } from 'bill-pay-widgets/server'`. The sandboxes
 * (and `createEmbeddedProxy`, the proxy on the embedded sandbox) are in `bill-pay-widgets/sandbox`.
 */
export { loadConfig, ConfigError, type ProxyConfig } from './config.js';
export { createProxy, type Proxy, type ProxyEnv, type ProxyOptions } from './proxy.js';
export { nodeHandler, type FetchHandler } from './node-adapter.js';
export { createServerApp, startServer, type ServerOptions } from './serve.js';
export { openSqliteStore } from './store/sqlite.js';
export type { Store, PaymentRow, StoredQuote } from './store/store.js';
export { createLogger, redact, type Logger } from './log.js';
export { jwtVerifier, type Authorize, type AuthResult, type JwtVerifierOptions, type Principal } from './auth.js';
