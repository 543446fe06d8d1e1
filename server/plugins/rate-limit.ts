import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from '../errors.js';

/**
 * One counter: at most `max` requests per `windowMs` for each key `key(request)` returns (undefined:
 * the rule does not apply to this request). Keys always start with the tenant, so one board's traffic
 * never spends another's budget.
 */
export interface LimitRule {
  /** Names the counter; two routes using the same rule object share its counts. */
  name: string;
  max: number;
  windowMs: number;
  key(request: FastifyRequest): string | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * A preHandler that counts the request against every rule and refuses it with 429 RATE_LIMITED
     * and Retry-After as soon as one rule is exceeded (the body is parsed and validated by then, so
     * a rule may key on the e-mail typed).
     */
    limit(rules: LimitRule[]): preHandlerAsyncHookHandler;
  }
}

/** `tenant|ip|203.0.113.7`: request.ip honours TRUST_PROXY (X-Forwarded-For only behind a trusted proxy). */
export const perIp = (request: FastifyRequest) => `${request.tenant.id}|ip|${request.ip}`;

/** `tenant|email|jane@example.org` from the (validated, trimmed) body; case does not matter. */
export const perEmail = (request: FastifyRequest) => {
  const email = (request.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' && email !== '' ? `${request.tenant.id}|email|${email.toLowerCase()}` : undefined;
};

/**
 * @fastify/rate-limit with its in-memory LRU store, one counter set per rule. The plugin's own route
 * hook runs at most one limiter per request, so the rules are applied through createRateLimit(),
 * which only counts, and the answer (429, Retry-After, French message) is ours.
 * The store is per process: with several app nodes each node counts on its own (see README).
 */
export default fp(
  async (app) => {
    await app.register(rateLimit, { global: false });
    const limiters = new Map<LimitRule, (request: FastifyRequest) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttlInSeconds?: number }>>();
    const limiterOf = (rule: LimitRule) => {
      let limiter = limiters.get(rule);
      if (!limiter) {
        limiter = app.createRateLimit({
          max: rule.max,
          timeWindow: rule.windowMs,
          keyGenerator: (request: FastifyRequest) => `${rule.name}|${rule.key(request)}`,
        }) as never;
        limiters.set(rule, limiter!);
      }
      return limiter!;
    };

    app.decorate('limit', (rules: LimitRule[]) => {
      const bound = rules.map((rule) => ({ rule, limiter: limiterOf(rule) }));
      return async function limitHook(request, reply) {
        let retryAfter = 0;
        let exceeded: LimitRule | undefined;
        // Every rule counts the attempt, even once one is exceeded, so no counter can be dodged.
        for (const { rule, limiter } of bound) {
          if (rule.key(request) === undefined) continue;
          const result = await limiter(request);
          if (!result.isAllowed && result.isExceeded) {
            exceeded ??= rule;
            retryAfter = Math.max(retryAfter, result.ttlInSeconds ?? 1);
          }
        }
        if (exceeded) {
          request.log.warn({ rule: exceeded.name, ip: request.ip }, 'rate limit exceeded');
          reply.header('retry-after', String(retryAfter));
          throw new AppError('RATE_LIMITED', 429);
        }
      };
    });
  },
  { name: 'rate-limit', dependencies: ['tenancy'] },
);
