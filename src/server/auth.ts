/**
 * Host authentication: the proxy can require that only the host's signed-in users look up and pay.
 * `authorize(request)` is any function that names the user of a request (or refuses it); `jwtVerifier`
 * is a ready one for bearer JWTs, such as the ElectroSoft portal's access tokens (login API no. 01,
 * renewed with API no. 11), checked with a shared secret (HS256) or the issuer's JWKS.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface Principal {
  /** Who the user is (the token's `sub`): the owner of the quotes and payments made with it. */
  subject: string;
  claims: Record<string, unknown>;
}

/** Why a request was refused; the widget asks the host to renew the token for any of them. */
export type AuthFailure = 'missing' | 'expired' | 'invalid';
export type AuthResult = Principal | { refused: AuthFailure };
export type Authorize = (request: Request) => Promise<AuthResult>;

export interface JwtVerifierOptions {
  /** Shared secret for HS256 tokens. */
  secret?: string;
  /** The issuer's JSON Web Key Set, for RS256 / ES256 tokens. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Refuse tokens issued (`iat`) longer ago than this, whatever their `exp`; null: no limit. Default 24 h. */
  maxTokenAgeSeconds?: number | null;
  /** Leeway for clocks that disagree between the token's issuer and this proxy; default 30 s. */
  clockToleranceSeconds?: number;
  /** The clock, in epoch milliseconds (tests inject one). */
  now?: () => number;
}

const CLOCK_TOLERANCE_SECONDS = 30;

export function jwtVerifier(options: JwtVerifierOptions): Authorize {
  if (!options.secret === !options.jwksUrl) throw new Error('jwtVerifier needs exactly one of secret and jwksUrl');
  const key: Uint8Array | JWTVerifyGetKey = options.secret
    ? new TextEncoder().encode(options.secret)
    : createRemoteJWKSet(new URL(options.jwksUrl!));
  const algorithms = options.secret ? ['HS256'] : ['RS256', 'ES256', 'PS256', 'EdDSA'];
  // A token that never expires is refused; with a maximum age, jose also requires `iat`.
  const maxTokenAge = options.maxTokenAgeSeconds === undefined ? 24 * 3600 : (options.maxTokenAgeSeconds ?? undefined);
  const now = options.now ?? Date.now;
  return async (request) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
    if (!match) return { refused: 'missing' };
    try {
      const { payload } = await jwtVerify(match[1]!, key as Uint8Array, {
        algorithms,
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: ['exp'],
        maxTokenAge,
        clockTolerance: options.clockToleranceSeconds ?? CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now()),
      });
      if (typeof payload.sub !== 'string' || !payload.sub) return { refused: 'invalid' };
      return { subject: payload.sub, claims: payload };
    } catch (error) {
      return { refused: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  };
}
