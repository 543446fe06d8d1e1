import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../server/db/tenant-db.js';
import type { Mailer } from '../../../server/mail/mailer.js';
import { MailService } from '../../../server/mail/mail-service.js';
import { sendMessageNotifications, type NotificationDeps } from '../../../server/features/messaging/notifications.js';
import { markThreadRead, postMessage, saveNotificationSettings, startThread, type MessagingContext } from '../../../server/features/messaging/service.js';
import type { AuthUser } from '../../../server/features/accounts/service.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { decodeHeader, decodeQp, emls } from '../../helpers/mail.js';
import { birthDateForAge, youthWorld, type Person, type YouthWorld } from '../../helpers/youth.js';

/**
 * Notification e-mails with the clock injected (never the time the tests run): the first message of
 * a thread at once, then at most one e-mail per thread and recipient every 30 minutes; quiet hours
 * 21:00–08:00 (Europe/Paris) for minors; a daily digest by choice; idempotent across restarts.
 */

const MINUTE = 60_000;
/** Wall-clock time in Paris on a winter day (UTC+1), far from the days the suite runs. */
const paris = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2031, 0, day, hour - 1, minute));

describe('message notifications', () => {
  let t: TestApp;
  let deps: NotificationDeps;
  const themeOf = () => (key: string, params?: Record<string, unknown>) => t.app.theme(t.app.tenants.get('dijon')!).t(key, params);
  const run = (now: Date, mail = t.app.mail) => sendMessageNotifications({ ...deps, mail }, themeOf, now);

  beforeAll(async () => {
    t = await createTestApp();
    deps = { db: t.app.db, tenants: t.app.tenants, mail: t.app.mail };
  });
  afterAll(async () => t?.close());

  const ctx = (now: Date): MessagingContext => ({ db: t.app.db, tenant: t.app.tenants.get('dijon')!, files: t.app.files, origin: 'http://dijon.localhost', log: t.app.log, now });
  const user = (p: Person, role: AuthUser['role']): AuthUser => ({ id: p.id, tenantId: 'dijon', role, email: p.email, displayName: p.name, sessionId: 'test' });
  const mailsTo = async (person: Person) =>
    (await emls(t.app.config.mail.dir, 'dijon')).filter((m) => m.headers.get('to') === person.email && m.headers.get('message-id')?.startsWith('<notification-'));

  async function applicationThread(w: YouthWorld, at: Date, body = 'Bonjour, êtes-vous disponible jeudi ?') {
    const { thread } = await startThread(ctx(at), user(w.employer, 'employer'), { kind: 'application', applicationId: w.applicationId }, { body, askBeforeSensitive: false });
    return thread.id;
  }

  it('e-mails the first message at once, then at most once per 30 minutes per thread and recipient', async () => {
    const w = await youthWorld(t, 'rythme');
    const t0 = paris(14, 10);
    const threadId = await applicationThread(w, t0, 'Message confidentiel numéro un');
    expect(await run(t0)).toMatchObject({ opened: 2, sent: 2 });
    expect(await mailsTo(w.young)).toHaveLength(1);
    expect(await mailsTo(w.referent)).toHaveLength(1);
    // The e-mail says who wrote and where, never what: the content stays on the site.
    const first = (await mailsTo(w.young))[0];
    expect(decodeHeader(first.headers.get('subject'))).toContain('Nouveau message');
    expect(decodeQp(first.raw)).not.toContain('Message confidentiel');
    expect(decodeQp(first.raw)).toContain(`/messages/${threadId}`);

    const employer = user(w.employer, 'employer');
    await postMessage(ctx(new Date(t0.getTime() + MINUTE)), employer, threadId, { body: 'Deuxième', askBeforeSensitive: false });
    await postMessage(ctx(new Date(t0.getTime() + 10 * MINUTE)), employer, threadId, { body: 'Troisième', askBeforeSensitive: false });
    expect(await run(new Date(t0.getTime() + MINUTE))).toMatchObject({ opened: 0 });
    expect(await run(new Date(t0.getTime() + 29 * MINUTE))).toMatchObject({ opened: 0 });
    expect(await mailsTo(w.young)).toHaveLength(1);
    // 30 minutes after the first e-mail, one e-mail covers both messages.
    expect(await run(new Date(t0.getTime() + 30 * MINUTE))).toMatchObject({ opened: 2, sent: 2 });
    const second = (await mailsTo(w.young))[1];
    expect(decodeQp(second.raw)).toContain('2 nouveau(x) message(s)');
    expect(await run(new Date(t0.getTime() + 45 * MINUTE))).toMatchObject({ opened: 0, sent: 0 });
    expect(await mailsTo(w.young)).toHaveLength(2);

    // The young person answers: the company's member gets their first e-mail of the thread at once.
    await postMessage(ctx(new Date(t0.getTime() + 46 * MINUTE)), user(w.young, 'candidate'), threadId, { body: 'Oui, jeudi me va', askBeforeSensitive: false });
    await run(new Date(t0.getTime() + 46 * MINUTE));
    expect(await mailsTo(w.employer)).toHaveLength(1);
    // …and the referent, last e-mailed 16 minutes ago, waits for the end of their 30 minutes.
    expect(await mailsTo(w.referent)).toHaveLength(2);
    await run(new Date(t0.getTime() + 60 * MINUTE));
    expect(await mailsTo(w.referent)).toHaveLength(3);
  });

  it('sends nothing to someone who has read the thread meanwhile, nor to who turned e-mails off', async () => {
    const w = await youthWorld(t, 'lu');
    const t0 = paris(15, 10);
    const threadId = await applicationThread(w, t0);
    await run(t0);
    await postMessage(ctx(new Date(t0.getTime() + 5 * MINUTE)), user(w.employer, 'employer'), threadId, { body: 'Une précision', askBeforeSensitive: false });
    await markThreadRead(ctx(new Date(t0.getTime() + 10 * MINUTE)), user(w.referent, 'counsellor'), threadId);
    await saveNotificationSettings(ctx(t0), user(w.young, 'candidate'), { eachThread: false, dailyDigest: false });
    await run(new Date(t0.getTime() + 40 * MINUTE));
    expect(await mailsTo(w.referent)).toHaveLength(1);
    expect(await mailsTo(w.young)).toHaveLength(1);
  });

  it('holds a minor’s e-mails between 21:00 and 08:00 (Paris time) and sends them at 08:00; adults get theirs', async () => {
    const w = await youthWorld(t, 'nuit', { youngBirthDate: birthDateForAge(16, paris(16, 12)) });
    const evening = paris(16, 21, 30);
    await applicationThread(w, evening);
    await run(evening);
    expect(await mailsTo(w.referent)).toHaveLength(1);
    expect(await mailsTo(w.young)).toHaveLength(0);
    await run(paris(17, 3));
    await run(paris(17, 7, 59));
    expect(await mailsTo(w.young)).toHaveLength(0);
    await run(paris(17, 8, 0));
    expect(await mailsTo(w.young)).toHaveLength(1);
  });

  it('uses the tenant’s summer time too: 20:59 in July goes, 21:00 waits', async () => {
    const w = await youthWorld(t, 'ete', { youngBirthDate: birthDateForAge(17, new Date(Date.UTC(2031, 6, 10))) });
    // Paris is UTC+2 in July: 18:59 UTC is 20:59 there.
    const threadId = await applicationThread(w, new Date(Date.UTC(2031, 6, 10, 18, 59)));
    await run(new Date(Date.UTC(2031, 6, 10, 18, 59)));
    expect(await mailsTo(w.young)).toHaveLength(1);
    await postMessage(ctx(new Date(Date.UTC(2031, 6, 10, 19, 0))), user(w.employer, 'employer'), threadId, { body: 'Et aussi…', askBeforeSensitive: false });
    await run(new Date(Date.UTC(2031, 6, 10, 19, 45)));
    expect(await mailsTo(w.young)).toHaveLength(1);
    await run(new Date(Date.UTC(2031, 6, 11, 6, 0)));
    expect(await mailsTo(w.young)).toHaveLength(2);
  });

  it('sends a daily digest at 08:00 to who asked for it, once a day, and only with something unread', async () => {
    const w = await youthWorld(t, 'resume');
    await saveNotificationSettings(ctx(paris(18, 9)), user(w.referent, 'counsellor'), { eachThread: false, dailyDigest: true });
    const threadId = await applicationThread(w, paris(18, 18));
    await run(paris(18, 18));
    expect(await mailsTo(w.referent)).toHaveLength(0);
    await postMessage(ctx(paris(18, 19)), user(w.young, 'candidate'), threadId, { body: 'Merci !', askBeforeSensitive: false });
    await run(paris(19, 7, 30));
    expect(await mailsTo(w.referent)).toHaveLength(0);
    await run(paris(19, 8, 5));
    const digests = await mailsTo(w.referent);
    expect(digests).toHaveLength(1);
    expect(decodeHeader(digests[0].headers.get('subject'))).toContain('2 message(s) non lu(s)');
    await run(paris(19, 12));
    expect(await mailsTo(w.referent)).toHaveLength(1);
    // The next morning, nothing new: no e-mail.
    await run(paris(20, 8, 5));
    expect(await mailsTo(w.referent)).toHaveLength(1);
  });

  it('is idempotent across restarts: a send recorded before a crash goes once, with the same Message-ID', async () => {
    const w = await youthWorld(t, 'panne');
    const t0 = paris(21, 10);
    // What earlier tests left pending goes first (one run for the whole board).
    await run(t0);
    await applicationThread(w, t0);
    // The SMTP server is down: the sends are recorded (and the states moved) but not delivered.
    const down: Mailer = { send: async () => Promise.reject(new Error('SMTP indisponible')), close: async () => {} };
    const failing = new MailService(down, (tenant) => t.app.theme(tenant), 'ne-pas-repondre@test', t.app.log);
    await expect(run(t0, failing)).resolves.toMatchObject({ opened: 2, failed: 2 });
    const pending = await withTenant(t.app.db, 'dijon', (tdb) =>
      tdb.trx.selectFrom('notification_sends').select(['id', 'status']).where('user_id', 'in', [w.young.id, w.referent.id]).execute(),
    );
    expect(pending.map((p) => p.status)).toEqual(['pending', 'pending']);
    // The next run (a restart, another node) delivers them, opening nothing new.
    expect(await run(new Date(t0.getTime() + MINUTE))).toMatchObject({ opened: 0, sent: 2 });
    const mails = await mailsTo(w.young);
    expect(mails).toHaveLength(1);
    expect(mails[0].headers.get('message-id')).toMatch(/^<notification-[0-9a-f-]{36}@dijon\.localhost>$/);
    expect(pending.map((p) => `<notification-${p.id}@dijon.localhost>`)).toContain(mails[0].headers.get('message-id'));
    expect(await run(new Date(t0.getTime() + 2 * MINUTE))).toMatchObject({ opened: 0, sent: 0 });
    expect(await mailsTo(w.young)).toHaveLength(1);
  });
});
