/** The embedded sandbox's merchant token: the proxy's default when no aggregator is configured. */
export const DEFAULT_SANDBOX_TOKEN = 'TEST:sandbox-merchant';
