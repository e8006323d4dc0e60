/**
 * The sandboxes, for development and tests: `import { createSandbox } from 'bill-pay-widgets/sandbox'`.
 * Merchants develop against them; the proxy itself (`bill-pay-widgets/server`) does not include them.
 */
export { createSandbox, DEFAULT_SANDBOX_TOKEN, type Sandbox, type SandboxOptions } from './sandbox.js';
export { createPortalSandbox, PORTAL_CONSUMERS } from './portal.js';
export { createEmbeddedProxy, embeddedAggregator, type EmbeddedProxy } from '../server/embedded.js';
export { createKhaltiSandbox, KHALTI_TEST_WALLETS, type KhaltiSandbox, type KhaltiSandboxOptions } from './khalti.js';
export { createEsewaSandbox, ESEWA_TEST_IDS, type EsewaSandbox, type EsewaSandboxOptions } from './esewa.js';
