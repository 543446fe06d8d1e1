import fp from 'fastify-plugin';
import type { FileStore } from './port.js';
import { PostgresFileStore } from './postgres-store.js';

declare module 'fastify' {
  interface FastifyInstance {
    files: FileStore;
  }
}

/** The one place that picks the FileStore adapter (PostgreSQL only, for now). */
export default fp(
  async (app) => {
    app.decorate('files', new PostgresFileStore());
  },
  { name: 'files', dependencies: ['database'] },
);
