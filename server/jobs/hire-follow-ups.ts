import type { FastifyInstance } from 'fastify';
import { FollowUpLinks, sendFollowUps } from '../features/hires/follow-ups.js';
import type { Worker } from './worker.js';

export const SEND_HIRE_FOLLOW_UPS = 'hires.send-follow-ups';

/**
 * Every hour, once across all nodes: the 6- and 12-month « toujours en poste ? » questions that fell
 * due are opened and e-mailed (see sendFollowUps: rows before e-mails, so restarts never ask twice).
 * The clock is the app's, so a test or a shifted clock moves the due dates with it.
 */
export function defineHireJobs(worker: Worker, app: FastifyInstance, everyMs = 3600_000): void {
  const links = new FollowUpLinks(app.config.secrets.cookie);
  worker.define({
    name: SEND_HIRE_FOLLOW_UPS,
    maxAttempts: 1,
    leaseMs: 15 * 60_000,
    async handler(_payload, { log }) {
      await app.tenants.refreshSettings();
      const report = await sendFollowUps({ db: app.db, tenants: app.tenants, mail: app.mail, theme: app.theme, links }, app.clock());
      if (report.opened + report.sent + report.failed > 0) log.info({ followUps: report }, 'hire follow-ups');
    },
  });
  worker.every(SEND_HIRE_FOLLOW_UPS, everyMs);
}
