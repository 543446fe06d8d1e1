import type { FastifyInstance } from 'fastify';
import { runRecommendationCalendar } from '../features/accompaniment/recommendations.js';
import { sendMessageNotifications } from '../features/messaging/notifications.js';
import type { Worker } from './worker.js';

export const SEND_MESSAGE_NOTIFICATIONS = 'messaging.send-notifications';
export const RECOMMENDATION_CALENDAR = 'recommendations.calendar';

export interface MessagingJobOptions {
  notificationsEveryMs?: number;
  calendarEveryMs?: number;
  /** The clock (tests move it). */
  now?: () => Date;
}

/**
 * The collaborative board's jobs, once across all nodes. Every minute: message notifications (the
 * throttled e-mails, those held by minors' quiet hours, the daily digests; idempotent across
 * restarts, see notifications.ts). Every hour: recommended applications (7-day reminder, automatic
 * « sans réponse » after the tenant's delay); state-based, so a missed run is caught up.
 */
export function defineMessagingJobs(worker: Worker, app: FastifyInstance, options: MessagingJobOptions = {}): void {
  const now = options.now ?? (() => new Date());
  const themeOf = (tenant: Parameters<FastifyInstance['theme']>[0]) => (key: string, params?: Record<string, unknown>) => app.theme(tenant).t(key, params);
  worker.define({
    name: SEND_MESSAGE_NOTIFICATIONS,
    maxAttempts: 1,
    leaseMs: 5 * 60_000,
    async handler(_payload, { log }) {
      const report = await sendMessageNotifications({ db: app.db, tenants: app.tenants, mail: app.mail }, themeOf, now());
      if (report.opened + report.sent + report.failed > 0) log.info({ ...report }, 'message notifications');
    },
  });
  worker.every(SEND_MESSAGE_NOTIFICATIONS, options.notificationsEveryMs ?? 60_000);

  worker.define({
    name: RECOMMENDATION_CALENDAR,
    maxAttempts: 1,
    async handler(_payload, { log }) {
      await app.tenants.refreshSettings();
      for (const tenant of app.tenants.tenants) {
        if (!tenant.config.features.messaging) continue;
        const report = await runRecommendationCalendar(app.db, tenant, app.mail, now());
        if (report.reminded + report.closed > 0) log.info({ tenant: tenant.id, ...report }, 'recommended applications');
      }
    },
  });
  worker.every(RECOMMENDATION_CALENDAR, options.calendarEveryMs ?? 60 * 60_000);
}
