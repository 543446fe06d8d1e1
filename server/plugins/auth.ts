import cookie from '@fastify/cookie';
import jwt from '@fastify/jwt';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionKind, UserRole } from '../db/database.js';
import { AppError } from '../errors.js';
import { sessionUser, type AuthUser, type StartedSession } from '../features/accounts/service.js';
import { API_TOKEN_TTL_S, BROWSER_IDLE_TTL_S, BROWSER_RENEW_AFTER_S } from '../features/accounts/policy.js';
import type { Tenant } from '../tenancy/registry.js';

export type { AuthUser } from '../features/accounts/service.js';

/** Claims of our access tokens, besides aud (the tenant id), iss, iat and exp. */
interface AccessClaims {
  sub: string;
  sid: string;
  typ: SessionKind;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims;
    /** `request.user`: the signed-in user of this tenant, or null. Set by this plugin only. */
    user: AuthUser | null;
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: this route never needs the user (public, cacheable): the session is not looked up. */
    auth?: boolean;
  }
  interface FastifyInstance {
    auth: {
      /** Signs an access token for a session, bound to the tenant (audience). */
      accessToken(tenant: Tenant, session: StartedSession): { token: string; expiresIn: number };
      /** Puts a browser session in the session cookie (HttpOnly, SameSite=Lax, Secure and __Host- in production). */
      startBrowserSession(request: FastifyRequest, reply: FastifyReply, session: StartedSession): void;
      clearSessionCookie(reply: FastifyReply): void;
    };
  }
}

const ISSUER = 'cordee';
const ALGORITHM = 'HS256';
const LOG_IN_PATH = '/compte/connexion';

const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

/**
 * Public, cacheable resources that never depend on who asks: no session lookup for them (a page view
 * pulls several). A feature's route can say the same with `config: { auth: false }`.
 */
const ANONYMOUS_ROUTES = new Set(['/assets/*', '/theme.css', '/robots.txt', '/sitemap.xml', '/offres/flux.xml', '/favicon.ico']);

/** Only same-site paths (`/…`, not `//host` nor `/\host`) may be a return address: no open redirect. */
export function safeReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\r\n\t]/.test(value)) return undefined;
  return value;
}

/**
 * preHandler (or onRequest) guard: the request must carry a live session. Pages redirect (303) to the
 * log-in page with a return path; the API answers 401 JSON with `WWW-Authenticate: Bearer`.
 */
export async function requireUser(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
  if (request.user) return;
  if (isApi(request)) {
    reply.header('www-authenticate', `Bearer realm="${request.tenant.id}"`);
    throw new AppError('UNAUTHENTICATED', 401);
  }
  const back = request.method === 'GET' ? safeReturnPath(request.url) : undefined;
  // Returning the reply ends the hook chain: the route handler does not run.
  return reply.redirect(back && back !== '/' ? `${LOG_IN_PATH}?retour=${encodeURIComponent(back)}` : LOG_IN_PATH, 303);
}

/** Guard: a signed-in user with one of these roles; others get 403 (anonymous users: as requireUser). */
export function requireRole(...roles: UserRole[]) {
  return async function requireRoleGuard(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    if (!request.user) return requireUser(request, reply);
    if (!roles.includes(request.user.role)) {
      request.log.warn({ event: 'forbidden', userId: request.user.id, role: request.user.role, needed: roles, url: request.url }, 'authorisation refused');
      throw new AppError('FORBIDDEN', 403);
    }
  };
}

/**
 * Authentication, resolved once per request after the tenant: pages read the session cookie only,
 * /api/* reads `Authorization: Bearer` only (so cookies never authenticate an API call, and the API
 * needs no CSRF token). A token is accepted when its signature (HS256 only), issuer, audience (= this
 * request's tenant) and expiry hold AND its session row is live: log-out, password change and
 * disabling take effect on the next request. A token of tenant A fails on tenant B twice over: wrong
 * audience, and B's row-level security cannot see A's session.
 */
export default fp(
  async (app) => {
    // A script config (NO_SECRETS) must never serve requests.
    if (!app.config.secrets.jwt || !app.config.secrets.cookie) throw new Error('buildApp : JWT_SECRET et COOKIE_SECRET manquants');
    const secure = app.config.env === 'production';
    // __Host-: the browser sends it back only to the exact host that set it (never to a sibling tenant).
    const cookieName = secure ? '__Host-cordee_session' : 'cordee_session';
    await app.register(cookie, { secret: app.config.secrets.cookie, hook: 'onRequest' });
    await app.register(jwt, {
      secret: app.config.secrets.jwt,
      sign: { algorithm: ALGORITHM, iss: ISSUER },
      verify: { algorithms: [ALGORITHM], allowedIss: ISSUER },
    });

    const cookieOptions = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };

    function accessToken(tenant: Tenant, session: StartedSession) {
      const idle = session.kind === 'api' ? API_TOKEN_TTL_S : BROWSER_IDLE_TTL_S;
      // Never beyond the session's own end.
      const expiresIn = Math.max(1, Math.min(idle, Math.round((session.expiresAt.getTime() - Date.now()) / 1000)));
      const token = app.jwt.sign({ sub: session.userId, sid: session.sessionId, typ: session.kind }, { aud: tenant.id, expiresIn });
      return { token, expiresIn };
    }

    function setCookie(reply: FastifyReply, token: string, maxAge: number) {
      reply.setCookie(cookieName, token, { ...cookieOptions, maxAge });
    }

    app.decorate('auth', {
      accessToken,
      startBrowserSession(request, reply, session) {
        const { token, expiresIn } = accessToken(request.tenant, session);
        setCookie(reply, token, expiresIn);
      },
      clearSessionCookie(reply) {
        reply.clearCookie(cookieName, cookieOptions);
      },
    });

    function verify(request: FastifyRequest, token: string, kind: SessionKind): AccessClaims & { iat: number; exp: number } | undefined {
      try {
        const claims = app.jwt.verify<AccessClaims & { iat: number; exp: number; aud: string }>(token, {
          algorithms: [ALGORITHM],
          allowedIss: ISSUER,
          allowedAud: request.tenant.id,
          requiredClaims: ['sub', 'sid', 'exp', 'iat', 'aud'],
        });
        return claims.typ === kind ? claims : undefined;
      } catch (error) {
        request.log.info({ event: 'token_refused', reason: (error as { code?: string }).code }, 'access token refused');
        return undefined;
      }
    }

    app.addHook('onRequest', async (request, reply) => {
      request.user = null;
      if (!request.tenant) return; // tenantless routes (health checks)
      if (request.routeOptions.config?.auth === false || ANONYMOUS_ROUTES.has(request.routeOptions.url ?? '')) return;
      if (isApi(request)) {
        const header = request.headers.authorization;
        if (header === undefined) return;
        const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(header);
        const claims = match ? verify(request, match[1], 'api') : undefined;
        const session = claims ? await sessionUser(app.db, request.tenant.id, { sessionId: claims.sid, userId: claims.sub, kind: 'api' }) : null;
        if (!session) {
          // RFC 6750: a request that presents a bad token is refused, even on a public endpoint.
          reply.header('www-authenticate', `Bearer realm="${request.tenant.id}", error="invalid_token"`);
          throw new AppError('INVALID_TOKEN', 401);
        }
        request.user = session.user;
        return;
      }
      const token = request.cookies[cookieName];
      if (!token) return;
      const claims = verify(request, token, 'browser');
      const session = claims ? await sessionUser(app.db, request.tenant.id, { sessionId: claims.sid, userId: claims.sub, kind: 'browser' }) : null;
      if (!claims || !session) {
        // Ended or forged: the browser forgets it; the visitor is anonymous.
        reply.clearCookie(cookieName, cookieOptions);
        return;
      }
      request.user = session.user;
      // Pages now show who is signed in: no shared cache may keep them (handlers may still override).
      reply.header('cache-control', 'private, no-store');
      // Sliding idle timeout: an active user's token is re-signed every few minutes (same session).
      if (Date.now() / 1000 - claims.iat > BROWSER_RENEW_AFTER_S) {
        const renewed = accessToken(request.tenant, { sessionId: session.user.sessionId, userId: session.user.id, kind: 'browser', expiresAt: session.expiresAt });
        setCookie(reply, renewed.token, renewed.expiresIn);
      }
    });
  },
  { name: 'auth', dependencies: ['tenancy', 'database'] },
);
