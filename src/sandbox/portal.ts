/**
 * A sandbox of the ElectroSoft portal's sign-in (seed 003: login API no. 01, refresh-login API no. 11),
 * for the portal demo and its tests. Access tokens are HS256 JWTs that live only `accessTtlSeconds`, so
 * renewal with the refresh token really happens; the proxy verifies them with the same secret.
 */
import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { SignJWT } from 'jose';

export type ColorThemeId = 'olive' | 'purple' | 'vector' | 'grey';

export interface PortalConsumer {
  email: string;
  password: string;
  first_name: string;
  last_name: string;
  color_theme_id: ColorThemeId;
}

/** One test consumer per portal theme. */
export const PORTAL_CONSUMERS: PortalConsumer[] = (['olive', 'purple', 'vector', 'grey'] as const).map((theme) => ({
  email: `${theme}@consumer.electrosoft.test`,
  password: 'sandbox-password',
  first_name: theme[0]!.toUpperCase() + theme.slice(1),
  last_name: 'Consumer',
  color_theme_id: theme,
}));

export interface PortalSandboxOptions {
  /** The HS256 secret shared with the proxy (its AUTH_JWT_SECRET). */
  secret: string;
  accessTtlSeconds?: number;
  refreshTtlSeconds?: number;
  logoUrl?: string;
}

const envelope = (response: unknown, success_message: string) => ({ data: { response, success_message }, error_message: '', is_error: false });
const refused = (error_message: string) => ({ data: null, error_message, is_error: true });

export function createPortalSandbox(options: PortalSandboxOptions) {
  const key = new TextEncoder().encode(options.secret);
  const accessTtl = options.accessTtlSeconds ?? 60;
  const refreshTtl = options.refreshTtlSeconds ?? 3600;
  const refreshTokens = new Map<string, { email: string; expiresAt: number }>();
  const stats = { logins: 0, refreshes: 0 };

  async function session(consumer: PortalConsumer) {
    const refresh = randomUUID();
    refreshTokens.set(refresh, { email: consumer.email, expiresAt: Date.now() + refreshTtl * 1000 });
    const access = await new SignJWT({ role: 'consumer', login_type: 'consumer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(consumer.email)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + accessTtl)
      .sign(key);
    return {
      token_data: { access_token: access, refresh_token: refresh },
      is_first_login: false,
      role: 'consumer',
      user_data: { first_name: consumer.first_name, last_name: consumer.last_name, email: consumer.email },
      login_type: 'consumer',
      app_config: {
        preferences: { color_theme_id: consumer.color_theme_id },
        app_logo_url: options.logoUrl ?? '/electrosoft-logo.svg',
      },
    };
  }

  const app = new Hono();

  app.post('/api/auth/login', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { email?: unknown; password?: unknown };
    const consumer = PORTAL_CONSUMERS.find((p) => p.email === body.email && p.password === body.password);
    if (!consumer) return c.json(refused('Invalid email or password.'), 401);
    stats.logins++;
    return c.json(envelope(await session(consumer), 'Login successful.'));
  });

  app.post('/api/refresh-login', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { refresh_token?: unknown };
    const known = typeof body.refresh_token === 'string' ? refreshTokens.get(body.refresh_token) : undefined;
    const consumer = known && known.expiresAt > Date.now() ? PORTAL_CONSUMERS.find((p) => p.email === known.email) : undefined;
    if (!consumer) return c.json(refused('Session expired. Please log in again.'), 401);
    // Refresh tokens are used once: each renewal hands out a new pair.
    refreshTokens.delete(body.refresh_token as string);
    stats.refreshes++;
    return c.json(envelope(await session(consumer), 'Login Refresh successful.'));
  });

  app.get('/_sandbox/consumers', (c) =>
    c.json({ consumers: PORTAL_CONSUMERS.map(({ email, password, color_theme_id }) => ({ email, password, color_theme_id })), stats }),
  );

  return { app, stats };
}
