import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';

/**
 * Sheds load with 503 + Retry-After when the event loop is saturated, instead of timing out everyone.
 * Health routes opt out (`config.pressureHandler`): a busy instance is alive and ready, and taking it
 * out of the load balancer would only move the load to its neighbours.
 */
export default fp(
  async (app) => {
    if (!app.config.loadShedding) return;
    await app.register(underPressure, {
      maxEventLoopDelay: 1000,
      maxEventLoopUtilization: 0.98,
      retryAfter: 5,
    });
  },
  { name: 'under-pressure' },
);

/** Route config that lets a request through whatever the pressure. */
export const IGNORE_PRESSURE = { pressureHandler: () => undefined };
