import type { FastifyInstance } from 'fastify';
import { dropStaleUnconfirmed, sendDigests } from '../features/alerts/service.js';
import { applyRetention } from '../features/privacy/service.js';
import type { Worker } from './worker.js';

export const SEND_ALERT_DIGESTS = 'alerts.send-digests';

/**
 * Alert digests, every 10 minutes across all nodes: each run opens the windows of the alerts that are
 * due and sends every pending window (see sendDigests: recorded before sending, so a crash or restart
 * never sends a window twice nor skips one). Unconfirmed anonymous alerts older than a week go too.
 */
export function defineCandidateJobs(worker: Worker, app: FastifyInstance, everyMs = 10 * 60_000): void {
  worker.define({
    name: SEND_ALERT_DIGESTS,
    maxAttempts: 1,
    leaseMs: 10 * 60_000,
    async handler(_payload, { log }) {
      const report = await sendDigests({
        db: app.db,
        tenants: app.tenants,
        mail: app.mail,
        search: app.offerSearch,
        tokens: app.alertTokens,
        themeT: (tenant) => (key, params) => app.theme(tenant).t(key, params),
      });
      const dropped = await dropStaleUnconfirmed(app.db, app.tenants);
      if (report.opened + report.sent + report.failed + dropped > 0) log.info({ ...report, dropped }, 'alert digests');
    },
  });
  worker.every(SEND_ALERT_DIGESTS, everyMs);
}

export const APPLY_RETENTION = 'privacy.apply-retention';

/** Once a day across all nodes: candidate data past the tenant's retention period is erased (features/privacy). */
export function defineRetentionJob(worker: Worker, app: FastifyInstance, everyMs = 24 * 3600_000): void {
  worker.define({
    name: APPLY_RETENTION,
    maxAttempts: 1,
    leaseMs: 30 * 60_000,
    async handler(_payload, { log }) {
      const report = await applyRetention(app.db, app.tenants, app.files);
      log.info({ retention: report }, 'retention applied');
    },
  });
  worker.every(APPLY_RETENTION, everyMs);
}
