import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';

/** Security headers on every response, error pages and 404s included (helmet runs onRequest). */
export default fp(
  async (app) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          // The map's tiles (MAP_TILES_URL) come from the tile server.
          imgSrc: ["'self'", 'data:', ...(app.config.map ? [app.config.map.tileSource] : [])],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          upgradeInsecureRequests: app.config.env === 'production' ? [] : null,
        },
      },
      hsts: { maxAge: 31_536_000, includeSubDomains: true },
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      crossOriginEmbedderPolicy: false,
    });
  },
  { name: 'security' },
);
