import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from './db/database.js';
import type { FileStore } from './files/port.js';
import type { MailService } from './mail/mail-service.js';
import { origin } from './plugins/view.js';
import type { Tenant } from './tenancy/registry.js';

/**
 * What a feature's rules need for one request: the database, the request's tenant, the mail and
 * file ports, the site's origin (links in e-mails), the log, and the clock every date rule reads
 * (`now`: tests pass their own).
 */
export interface RequestContext {
  db: Kysely<Database>;
  tenant: Tenant;
  mail: MailService;
  files: FileStore;
  origin: string;
  log: FastifyBaseLogger;
  now: Date;
}

export function requestContext(app: FastifyInstance, request: FastifyRequest): RequestContext {
  return { db: app.db, tenant: request.tenant, mail: app.mail, files: app.files, origin: origin(request), log: request.log, now: new Date() };
}
