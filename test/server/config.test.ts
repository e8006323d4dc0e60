import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/server/config.js';
import { createLogger } from '../../src/server/log.js';

/** A live aggregator token needs a funding method: these tests use Khalti's live settings. */
const LIVE_FUNDING = { FUNDING: 'khalti', KHALTI_BASE_URL: 'https://khalti.com/api/v2/', KHALTI_SECRET_KEY: 'live_secret_key_0123' };

describe('configuration', () => {
  it('defaults to the embedded sandbox and an SQLite file', () => {
    const config = loadConfig({});
    assert.equal(config.aggregatorBaseUrl, null);
    assert.match(config.aggregatorToken, /^TEST:/);
    assert.match(config.databaseUrl, /^sqlite:.*ledger\.sqlite$/);
    assert.equal(config.port, 8080);
  });

  it('takes a real aggregator only with both URL and token', () => {
    const config = loadConfig({ AGGREGATOR_BASE_URL: 'https://aggregator.example/', AGGREGATOR_TOKEN: 'live-secret', ...LIVE_FUNDING });
    assert.equal(config.aggregatorBaseUrl, 'https://aggregator.example');
    assert.throws(() => loadConfig({ AGGREGATOR_BASE_URL: 'https://aggregator.example' }), /set both AGGREGATOR_BASE_URL and AGGREGATOR_TOKEN/);
  });

  it('reads AUTH_MAX_TOKEN_AGE as seconds or a duration, 24 h by default, 0 for none', () => {
    const age = (value?: string) => loadConfig({ AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_MAX_TOKEN_AGE: value }).auth!.maxTokenAgeSeconds;
    assert.equal(age(), 24 * 3600);
    assert.equal(age('900'), 900);
    assert.equal(age('30m'), 1800);
    assert.equal(age('12h'), 12 * 3600);
    assert.equal(age('2d'), 2 * 86400);
    assert.equal(age('0'), null);
    assert.throws(() => age('soon'), /AUTH_MAX_TOKEN_AGE: .*seconds or a duration/);
  });

  it('reads PUBLIC_ORIGIN as a list of origins, validated like ALLOWED_ORIGINS', () => {
    assert.deepEqual(loadConfig({}).publicOrigins, []);
    assert.deepEqual(loadConfig({ PUBLIC_ORIGIN: 'https://pay.merchant.example, https://www.merchant.example' }).publicOrigins, [
      'https://pay.merchant.example',
      'https://www.merchant.example',
    ]);
    assert.throws(() => loadConfig({ PUBLIC_ORIGIN: 'https://pay.merchant.example/' }), /PUBLIC_ORIGIN.*scheme:\/\/host/);
  });

  it('reads TRUST_PROXY as a hop count or a list of addresses and CIDR ranges, trusting nothing by default', () => {
    assert.deepEqual([loadConfig({}).trustProxy, loadConfig({}).trustProxyHeader], [0, 'x-forwarded-for']);
    assert.equal(loadConfig({ TRUST_PROXY: '1' }).trustProxy, 1);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, ::1, ::ffff:127.0.0.1' }).trustProxy, ['10.0.0.0/8', '::1', '::ffff:127.0.0.1']);
    assert.equal(loadConfig({ TRUST_PROXY_HEADER: 'forwarded' }).trustProxyHeader, 'forwarded');
    assert.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/8, loadbalancer' }), /TRUST_PROXY: "loadbalancer" is not an IP address/);
    assert.throws(() => loadConfig({ TRUST_PROXY_HEADER: 'x-real-ip' }), /TRUST_PROXY_HEADER must be/);
  });

  it('lists every problem in one clear message', () => {
    try {
      loadConfig({ PORT: 'eighty', ALLOWED_ORIGINS: 'https://ok.example,https://bad.example/path', DATABASE_URL: 'mysql://x' });
      assert.fail('should throw');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /PORT: PORT must be a number/);
      assert.match(error.message, /ALLOWED_ORIGINS.*scheme:\/\/host/);
      assert.match(error.message, /DATABASE_URL must start with sqlite: or postgres:\/\//);
    }
    assert.deepEqual(loadConfig({ ALLOWED_ORIGINS: 'https://a.example, http://localhost:5173' }).allowedOrigins, [
      'https://a.example',
      'http://localhost:5173',
    ]);
  });
});

describe('configuration problems, all at once', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.message;
    }
    return assert.fail('should throw');
  };

  it('lists cross-field rules beside field errors', () => {
    const message = problems({ PORT: 'eighty', AGGREGATOR_BASE_URL: 'https://aggregator.example', AUTH_JWT_SECRET: 's'.repeat(40), AUTH_JWKS_URL: 'https://idp.example/jwks' });
    assert.match(message, /PORT: PORT must be a number/);
    assert.match(message, /set both AGGREGATOR_BASE_URL and AGGREGATOR_TOKEN/);
    assert.match(message, /set AUTH_JWT_SECRET or AUTH_JWKS_URL, not both/);
  });

  it('names likely typos with the setting meant, and unknown names with the proxy\'s prefixes', () => {
    const message = problems({ ALLOWED_ORIGIN: 'https://shop.example', RATE_LIMIT_PER_MINTUE: '10', LOGLEVEL: 'warn', RECONCILE_EVERY: '5', PORT: 'x' });
    assert.match(message, /ALLOWED_ORIGIN is not a setting; did you mean ALLOWED_ORIGINS\?/);
    assert.match(message, /RATE_LIMIT_PER_MINTUE is not a setting; did you mean RATE_LIMIT_PER_MINUTE\?/);
    assert.match(message, /LOGLEVEL is not a setting; did you mean LOG_LEVEL\?/);
    assert.match(message, /RECONCILE_EVERY is not a setting/);
    assert.match(message, /PORT: PORT must be a number/);
  });

  it('leaves the rest of the environment alone', () => {
    const config = loadConfig({ PATH: '/usr/bin', TERM: 'xterm', HOME: '/root', HOSTNAME: 'box', NODE_OPTIONS: '--x', HOST: '0.0.0.0', SANDBOX_PORT: '8090', USER: 'me' });
    assert.equal(config.port, 8080);
  });

  it('refuses the embedded sandbox in production unless SANDBOX=1 says so', () => {
    assert.match(problems({ NODE_ENV: 'production' }), /NODE_ENV=production needs a real aggregator.*SANDBOX=1/);
    assert.equal(loadConfig({ NODE_ENV: 'production', SANDBOX: '1' }).aggregatorBaseUrl, null);
    assert.equal(loadConfig({ NODE_ENV: 'production', AGGREGATOR_BASE_URL: 'https://aggregator.example', AGGREGATOR_TOKEN: 'live', ...LIVE_FUNDING }).aggregatorBaseUrl, 'https://aggregator.example');
    assert.equal(loadConfig({ NODE_ENV: 'development' }).aggregatorBaseUrl, null);
    assert.match(problems({ SANDBOX: 'yes' }), /SANDBOX must be 1 or 0/);
  });

  it('reads LOG_LEVEL and SANDBOX_CONTROL', () => {
    assert.equal(loadConfig({}).logLevel, 'info');
    assert.equal(loadConfig({ LOG_LEVEL: 'warn' }).logLevel, 'warn');
    assert.match(problems({ LOG_LEVEL: 'verbose' }), /LOG_LEVEL must be one of debug, info, warn, error/);
    assert.equal(loadConfig({}).sandboxControl, false);
    assert.equal(loadConfig({ SANDBOX_CONTROL: '1' }).sandboxControl, true);
  });
});

describe('log redaction', () => {
  it('removes the token by key and by value, and the credit figures', () => {
    const lines: string[] = [];
    const log = createLogger(['TEST:very-secret'], (line) => lines.push(line));
    log('info', 'x', {
      body: { token: 'TEST:very-secret', amount: '450' },
      url: 'https://agg.example/api/service/status/?token=TEST:very-secret&reference=r1',
      answer: { credits_available: 9996, credits_consumed: 600, state: 'Success' },
      error: new Error('failed with TEST:very-secret'),
    });
    const line = lines.join();
    assert.ok(!line.includes('very-secret'));
    assert.ok(!line.includes('9996') && !line.includes('600'));
    assert.match(line, /"amount":"450"/);
    assert.match(line, /reference=r1/);
  });
});
