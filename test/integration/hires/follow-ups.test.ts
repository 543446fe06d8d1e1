import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../server/app.js';
import { FollowUpLinks, sendFollowUps, type FollowUpDeps } from '../../../server/features/hires/follow-ups.js';
import type { MailService } from '../../../server/mail/mail-service.js';
import { csrfOf, decodeHtml, FormClient, mailbox, pathOf } from '../../helpers/accounts.js';
import { DIJON, MONTAGNE, testConfig } from '../../helpers/app.js';
import { companyIdOf } from '../../helpers/company-space.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { decodeQp, emls } from '../../helpers/mail.js';
import { testTempDir } from '../../helpers/tmp.js';

/**
 * The 6- and 12-month « toujours en poste ? » questions: opened when due (on the injected clock),
 * rows written before any e-mail, sent once across runs and restarts, answered through a one-click
 * link confirmed by one button; no answer stays « inconnu ».
 */
const DAY = 86_400_000;
const CLOCK = new Date('2025-07-12T08:00:00Z');

describe('follow-up questions at 6 and 12 months', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let mailDir: string;
  let companyId: string;
  let recorder: string;
  const deps = (a: FastifyInstance, mail: Pick<MailService, 'deliver'> = a.mail): FollowUpDeps => ({
    db: a.db,
    tenants: a.tenants,
    mail: mail as MailService,
    theme: a.theme,
    links: new FollowUpLinks(a.config.secrets.cookie),
    // Links to the host the tests speak to.
    origin: (tenant) => `http://${tenant.id}.localhost`,
  });
  const build = async () => {
    const built = await buildApp(testConfig(db.url, { mail: { ...testConfig(db.url).mail, dir: mailDir }, secrets: { jwt: 'j'.repeat(48), cookie: 'c'.repeat(48) } }), { clock: () => CLOCK });
    await built.ready();
    return built;
  };
  const hire = async (
    tenant: string,
    values: { company: string; title: string; start: string; recordedBy?: string; actualEnd?: string; applicationId?: string; personEmail?: string; personLabel?: string | null },
  ) => {
    const { id } = await db.admin
      .insertInto('hires')
      .values({
        tenant_id: tenant,
        company_id: values.company,
        title: values.title,
        contract: 'cdi',
        weekly_hours: 35,
        hired_on: values.start,
        actual_start: values.start,
        actual_end: values.actualEnd ?? null,
        attribution: values.applicationId ? 'platform_application' : 'declared_only',
        application_id: values.applicationId ?? null,
        person_label: values.applicationId ? null : values.personLabel === undefined ? 'Paul Lemoine' : values.personLabel,
        person_email: values.personEmail ?? null,
        recorded_by: values.recordedBy ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return id;
  };
  const questions = (hireId: string) => db.admin.selectFrom('hire_follow_ups').selectAll().where('hire_id', '=', hireId).orderBy('milestone').orderBy('respondent').execute();

  beforeAll(async () => {
    db = await createTestDatabase();
    mailDir = testTempDir('mail');
    app = await build();
    companyId = await companyIdOf({ app, db, close: async () => {} }, 'montagne', 'employeur@montagne.demo');
    recorder = (await db.admin.selectFrom('users').select('id').where('email', '=', 'employeur@montagne.demo').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('asks the employer once when 6 months are reached, and never again, whatever runs or restarts follow', async () => {
    // Started 10 January 2025: due 10 July, the clock says 12 July.
    const id = await hire('montagne', { company: companyId, title: 'Pisteur secouriste', start: '2025-01-10', recordedBy: recorder });
    const before = (await mailbox(app, MONTAGNE)).length;
    const first = await sendFollowUps(deps(app), CLOCK);
    expect(first.sent).toBeGreaterThanOrEqual(1);
    expect(await questions(id)).toMatchObject([{ milestone: 6, respondent: 'employer', due_on: '2025-07-10', status: 'sent', answer: null }]);
    const mails = (await mailbox(app, MONTAGNE)).slice(0, (await mailbox(app, MONTAGNE)).length - before);
    expect(mails.filter((m) => m.to === 'employeur@montagne.demo' && m.subject.includes('toujours en poste après 6 mois'))).toHaveLength(1);

    expect((await sendFollowUps(deps(app), CLOCK)).sent).toBe(0);
    // A restarted app (another process, the same database): nothing is sent again.
    const restarted = await build();
    try {
      expect((await sendFollowUps(deps(restarted), new Date(CLOCK.getTime() + DAY))).sent).toBe(0);
    } finally {
      await restarted.close();
    }
    expect(await questions(id)).toHaveLength(1);
  });

  it('sends a question again, with the same Message-ID, when a run died before marking it sent', async () => {
    const id = await hire('montagne', { company: companyId, title: 'Dameur', start: '2025-01-11', recordedBy: recorder });
    // The message leaves, then the process dies before the row is marked sent.
    let crashed = false;
    const dying = {
      deliver: async (request: Parameters<MailService['deliver']>[0]) => {
        await app.mail.deliver(request);
        if (!crashed && request.data.title === 'Dameur') {
          crashed = true;
          throw new Error('process killed');
        }
      },
    };
    await expect(sendFollowUps(deps(app, dying), CLOCK)).rejects.toThrow('process killed');
    expect(await questions(id)).toMatchObject([{ status: 'pending', attempts: 1 }]);
    await sendFollowUps(deps(app), CLOCK);
    expect(await questions(id)).toMatchObject([{ status: 'sent', attempts: 2 }]);
    expect((await sendFollowUps(deps(app), CLOCK)).sent).toBe(0);
    const sent = (await emls(mailDir, 'montagne')).filter((m) => m.raw.includes('Dameur'));
    expect(sent).toHaveLength(2);
    expect(sent[0].headers.get('message-id')).toBe(`<hire-follow-up-${(await questions(id))[0].id}@montagne.localhost>`);
    expect(sent[1].headers.get('message-id')).toBe(sent[0].headers.get('message-id'));
  });

  it('asks nothing for a contract that has ended, nor for a milestone found too late; asks the person where the board wants it', async () => {
    const ended = await hire('montagne', { company: companyId, title: 'Serveur', start: '2025-01-05', actualEnd: '2025-03-01', recordedBy: recorder });
    const old = await hire('montagne', { company: companyId, title: 'Vendeur', start: '2024-01-02', recordedBy: recorder });
    const dijonCompany = await companyIdOf({ app, db, close: async () => {} }, 'dijon', 'employeur@dijon.demo');
    const young = await hire('dijon', { company: dijonCompany, title: 'Commis', start: '2025-01-08', personEmail: 'jeune.suivi@exemple.fr' });
    const montagnePerson = await hire('montagne', { company: companyId, title: 'Moniteur', start: '2025-01-09', personEmail: 'moniteur@exemple.fr', recordedBy: recorder });
    await sendFollowUps(deps(app), CLOCK);
    expect(await questions(ended)).toEqual([]);
    // 6 months fell on 2 July 2024, 12 months on 2 January 2025: both more than 60 days before the clock.
    expect(await questions(old)).toEqual([]);
    expect((await questions(young)).map((q) => q.respondent)).toEqual(['employer', 'person']);
    expect((await questions(montagnePerson)).map((q) => q.respondent)).toEqual(['employer']);
    const toYoung = (await mailbox(app, DIJON)).filter((m) => m.to === 'jeune.suivi@exemple.fr');
    expect(toYoung).toHaveLength(1);
    expect(toYoung[0].subject).toContain('où en êtes-vous après 6 mois');
  });

  it('asks at 12 months alone when the 6-month question fell due too long ago, naming an unnamed person in the board’s words', async () => {
    // Started 10 July 2024: 6 months fell on 10 January 2025 (beyond the catch-up), 12 months on 10 July 2025.
    const id = await hire('montagne', { company: companyId, title: 'Pisteur artificier', start: '2024-07-10', personLabel: null, recordedBy: recorder });
    await sendFollowUps(deps(app), CLOCK);
    expect(await questions(id)).toMatchObject([{ milestone: 12, respondent: 'employer', due_on: '2025-07-10', status: 'sent', answer: null }]);
    const mail = (await emls(mailDir, 'montagne')).map((m) => decodeQp(m.raw)).find((raw) => raw.includes('« Pisteur artificier »'))!;
    expect(mail).toContain('Il y a 12 mois, la personne recrutée commençait comme « Pisteur artificier » (début le 10 juillet 2024).');
    expect(mail).toContain('la personne recrutée travaille-t-elle toujours chez');
  });

  it('records the answer of the e-mail’s link after one click on the page, never on the link alone', async () => {
    const id = await hire('montagne', { company: companyId, title: 'Nivoculteur', start: '2025-01-12', recordedBy: recorder });
    await sendFollowUps(deps(app), CLOCK);
    const [question] = await questions(id);
    const token = new FollowUpLinks('c'.repeat(48)).sign('montagne', question.id, 'answer');
    const visitor = new FormClient(app, MONTAGNE);
    const page = await visitor.get(`/suivi/${token}?reponse=non`);
    expect(page.statusCode).toBe(200);
    expect(decodeHtml(page.body)).toContain('Paul Lemoine occupe-t-elle toujours le poste « Nivoculteur » ?');
    // Opening the link (as mail scanners do) changes nothing.
    expect((await questions(id))[0].answer).toBeNull();
    const answered = await visitor.post(`/suivi/${token}`, { _csrf: csrfOf(page.body), reponse: 'non' });
    expect(answered.statusCode).toBe(200);
    expect(decodeHtml(answered.body)).toContain('Merci, votre réponse est enregistrée : plus en poste.');
    expect(await questions(id)).toMatchObject([{ answer: 'no', answered_at: CLOCK }]);
    // The same link on another board, a forged signature, a malformed token.
    expect((await visitor.get(`/suivi/${token}`)).statusCode).toBe(200);
    expect((await new FormClient(app, DIJON).get(`/suivi/${token}`)).statusCode).toBe(404);
    expect((await visitor.get(`/suivi/${question.id}.${'A'.repeat(43)}`)).statusCode).toBe(404);
    expect((await visitor.get('/suivi/pas-un-jeton')).statusCode).toBe(400);
  });

  it('puts working links in the e-mail', async () => {
    const id = await hire('montagne', { company: companyId, title: 'Perchman', start: '2025-01-06', recordedBy: recorder });
    await sendFollowUps(deps(app), CLOCK);
    const all = (await emls(mailDir, 'montagne')).map((m) => decodeQp(m.raw));
    const eml = all.find((raw) => raw.includes('« Perchman »'))!;
    const links = [...eml.matchAll(/http:\/\/montagne\.localhost\/suivi\/[^\s"<]+/g)].map((m) => m[0]);
    const yes = links.find((l) => l.endsWith('reponse=oui'))!;
    const visitor = new FormClient(app, MONTAGNE);
    const page = await visitor.get(pathOf(yes));
    expect(page.statusCode).toBe(200);
    await visitor.post(pathOf(yes).split('?')[0], { _csrf: csrfOf(page.body), reponse: 'oui' });
    expect((await questions(id))[0].answer).toBe('yes');
  });
});
