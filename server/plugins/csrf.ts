import csrfProtection from '@fastify/csrf-protection';
import fp from 'fastify-plugin';
import { hkdfSync } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What a CSRF token is bound to: the session, or one constant for visitors (must not be empty). */
export const csrfUserInfo = (request: FastifyRequest) => request.user?.sessionId ?? 'visitor';

/** Whether a request must carry a CSRF token: every state-changing page request (forms). */
function needsToken(request: FastifyRequest): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  // The API authenticates with Bearer tokens only, never with cookies: nothing for a forged form to ride on.
  if (request.url.startsWith('/api/')) return false;
  // Unknown routes answer 404 whatever the token.
  if (!request.routeOptions.url) return false;
  return request.routeOptions.config?.csrf !== false;
}

/**
 * CSRF protection of every form POST, on by default (a route opts out with `config.csrf: false`, for
 * a signed webhook). Double-submit with a signed, HttpOnly secret cookie (`__Host-` in production)
 * and a token in the form's hidden `_csrf` field; tokens are bound to the session (anonymous forms
 * to ''), so a token obtained before log-in, or in another session, is refused. 403 otherwise.
 */
export default fp(
  async (app) => {
    const secure = app.config.env === 'production';
    await app.register(csrfProtection, {
      cookieKey: secure ? '__Host-cordee_csrf' : 'cordee_csrf',
      cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure, signed: true },
      // Forms only: the token travels in the body, never in a header an API client could be tricked into.
      getToken: (request) => {
        const body = request.body as { _csrf?: unknown } | undefined;
        return typeof body?._csrf === 'string' ? body._csrf : undefined;
      },
      getUserInfo: csrfUserInfo,
      csrfOpts: { hmacKey: Buffer.from(hkdfSync('sha256', app.config.secrets.cookie, 'cordee', 'csrf-user-binding', 32)) },
    });
    // preValidation: the form body is parsed by then, and a forged request is refused before the
    // schema runs, so it learns nothing about the form's rules.
    app.addHook('preValidation', (request, reply, done) => {
      if (!needsToken(request)) return done();
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'csrf', dependencies: ['auth'] },
);
