import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';

/**
 * Sheds load with 503 + Retry-After when the event loop is saturated, instead of timing out everyone.
 * Saturated means requests are waiting (event-loop delay), not that the process is busy: a server
 * answering in tens of milliseconds runs at ~100 % utilisation under any steady load, and shedding
 * on utilisation turned a third of such a load into 503s (fault suite, soak scenario).
 * Health routes opt out (`config.pressureHandler`): a busy instance is alive and ready, and taking it
 * out of the load balancer would only move the load to its neighbours.
 */
export default fp(
  async (app) => {
    if (!app.config.loadShedding) return;
    await app.register(underPressure, {
      maxEventLoopDelay: 1000,
      retryAfter: 5,
    });
  },
  { name: 'under-pressure' },
);

/** Route config that lets a request through whatever the pressure. */
export const IGNORE_PRESSURE = { pressureHandler: () => undefined };
