import fp from 'fastify-plugin';
import { PostgresSearchEngine } from './engines/postgres.js';
import { createSearchEngine, SearchService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Search through the configured engine, with PostgreSQL as the fallback of an external one. */
    offerSearch: SearchService;
  }
}

export default fp(
  async (app) => {
    const engine = createSearchEngine(app.config, app.db);
    const fallback = engine.external ? new PostgresSearchEngine(app.db, app.config.search.cache) : null;
    app.decorate('offerSearch', new SearchService(app.db, engine, fallback, app.log.child({ component: 'search' })));
  },
  { name: 'search', dependencies: ['database'] },
);
