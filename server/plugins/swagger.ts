import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';

/** Tags of API routes that declare none (the search routes): by path. */
function defaultTags(url: string): string[] {
  if (url.startsWith('/api/v1/places')) return ['lieux'];
  if (url.startsWith('/api/v1/offers')) return ['offres'];
  return ['api'];
}

/**
 * The OpenAPI 3 document of the JSON API, built by @fastify/swagger from the routes' TypeBox schemas
 * (one schema: validation, types, documentation), served at /api/docs (Swagger UI) and
 * /api/docs/json. Only /api/v1 routes are listed; pages, assets and health checks are not API.
 * Registered before every feature, since it collects routes as they are added.
 */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: 'Cordée – API v1',
          version: '1.0.0',
          description:
            'API JSON d’un site d’offres d’emploi Cordée. Chaque réponse ne concerne que le site du nom d’hôte appelé ' +
            '(un jeton obtenu sur un site est refusé sur un autre). Authentification : `POST /api/v1/auth/token` puis ' +
            '`Authorization: Bearer <jeton>`. Erreurs : `{"error":{"code","message","fields"}}`.',
        },
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
            partnerKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'Clé partenaire créée par l’administrateur du site (lecture seule)' },
          },
        },
        tags: [
          { name: 'auth', description: 'Jetons d’accès' },
          { name: 'offres', description: 'Recherche et gestion des offres' },
          { name: 'entreprises', description: 'Entreprises' },
          { name: 'lieux', description: 'Communes (autocomplétion)' },
          { name: 'temps partagé', description: 'Besoins à temps partiel ou saisonniers et combinaisons (groupements d’employeurs)' },
          { name: 'partenaires', description: 'Offres diffusables, pour les sites partenaires (clé d’API, lecture seule)' },
          { name: 'messagerie', description: 'Conversations entre jeunes, conseillers et entreprises (sites où la messagerie est activée)' },
        ],
      },
      transform: ({ schema, url }) => {
        if (!url.startsWith('/api/v1/')) return { schema: { ...(schema ?? {}), hide: true } as never, url };
        const given = (schema ?? {}) as { tags?: string[] };
        return { schema: { ...given, tags: given.tags?.length ? given.tags : defaultTags(url) } as never, url };
      },
    });
    await app.register(swaggerUi, {
      routePrefix: '/api/docs',
      uiConfig: { docExpansion: 'list', deepLinking: false },
      // Swagger UI styles its widgets inline: only its own routes relax style-src; the rest of our CSP stays.
      transformStaticCSP: (header) => header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
    });
  },
  { name: 'swagger' },
);
