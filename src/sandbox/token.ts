/** The embedded sandbox's merchant token: the proxy's default when no aggregator is configured. */
export const DEFAULT_SANDBOX_TOKEN = 'TEST:sandbox-merchant';

/** The embedded Khalti sandbox's secret key: the proxy's default when `KHALTI_*` is not configured. */
export const DEFAULT_KHALTI_SANDBOX_KEY = 'test_secret_key_khalti_sandbox';
/** eSewa's published UAT merchant (product code and secret key): the embedded eSewa sandbox's default. */
export const ESEWA_UAT_PRODUCT_CODE = 'EPAYTEST';
export const ESEWA_UAT_SECRET = '8gBm/:&EnhH.1/q';
