import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';

/** Sheds load with 503 + Retry-After when the event loop is saturated, instead of timing out everyone. */
export default fp(
  async (app) => {
    await app.register(underPressure, {
      maxEventLoopDelay: 1000,
      maxEventLoopUtilization: 0.98,
      retryAfter: 5,
      message: 'Service momentanément surchargé, réessayez dans quelques secondes.',
    });
  },
  { name: 'under-pressure' },
);
