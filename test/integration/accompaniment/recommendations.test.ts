import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecommendationCalendar } from '../../../server/features/accompaniment/recommendations.js';
import { createTestApp, DIJON, type TestApp } from '../../helpers/app.js';
import { decodeHtml, lastMailTo, mailbox } from '../../helpers/accounts.js';
import { signedIn } from '../../helpers/messaging.js';
import { youthWorld, type YouthWorld } from '../../helpers/youth.js';

/**
 * Recommendations both ways: an offer recommended to a young person (their space, an e-mail with the
 * counsellor's note); a young person recommended for an offer, with their agreement recorded (in the
 * app or in an interview), becomes an application marked as recommended, with a note for the
 * employer and a note private to the mission locale; refusal reasons; the 7-day reminder and the
 * 45-day automatic close, on an injected clock.
 */
describe('recommendations', () => {
  let t: TestApp;
  let w: YouthWorld;
  const DAY = 86_400_000;

  beforeAll(async () => {
    t = await createTestApp();
    w = await youthWorld(t, 'reco');
    // This world's young person has not applied yet: the counsellor recommends them.
    await t.db.admin.deleteFrom('applications').where('id', '=', w.applicationId).execute();
  });
  afterAll(async () => t?.close());

  it('an offer recommended to a young person appears in their space and in an e-mail with the note', async () => {
    const counsellor = await signedIn(t.app, DIJON, w.referent.email);
    const done = await counsellor.submit(`/conseiller/jeunes/${w.young.id}/proposer-offre`, {
      offer: `http://dijon.localhost/offres/${w.offer.id}`,
      note: 'Je pense à toi pour celle-ci, on en parle jeudi.',
    });
    expect(done.statusCode, done.body.slice(0, 500)).toBe(303);
    const mail = await lastMailTo(t.app, DIJON, w.young.email);
    expect(mail.subject).toContain(w.offer.title);
    expect(mail.text).toContain('Je pense à toi pour celle-ci');
    const young = await signedIn(t.app, DIJON, w.young.email);
    const space = decodeHtml((await young.get('/compte/accompagnement')).body);
    expect(space).toContain(w.offer.title);
    expect(space).toContain('Je pense à toi pour celle-ci');
    // A wrong reference is refused by the field, with what was typed.
    const wrong = await counsellor.submit(`/conseiller/jeunes/${w.young.id}/proposer-offre`, { offer: 'https://ailleurs.example/offre/42', note: 'Essai' });
    expect(wrong.statusCode).toBe(422);
    expect(decodeHtml(wrong.body)).toContain('n’existe pas ou n’est plus en ligne');
    expect(wrong.body).toContain('https://ailleurs.example/offre/42');
  });

  it('a recommendation waits for the young person’s agreement in the app, then reaches the employer as recommended', async () => {
    const counsellor = await signedIn(t.app, DIJON, w.referent.email);
    const asked = await counsellor.submit(`/conseiller/jeunes/${w.young.id}/recommander`, {
      offer: w.offer.id,
      note_for_employer: 'Très motivée, disponible tout de suite.',
      private_note: 'Difficultés de transport le soir.',
      channel: 'app',
    });
    expect(asked.statusCode).toBe(303);
    expect(await t.db.admin.selectFrom('applications').select('id').where('offer_id', '=', w.offer.id).where('user_id', '=', w.young.id).execute()).toEqual([]);
    const mail = await lastMailTo(t.app, DIJON, w.young.email);
    expect(mail.subject).toContain('vous propose une candidature');

    const young = await signedIn(t.app, DIJON, w.young.email);
    const space = decodeHtml((await young.get('/compte/accompagnement')).body);
    expect(space).toContain('Très motivée');
    // The note private to the mission locale never reaches the young person.
    expect(space).not.toContain('Difficultés de transport');
    const recommendation = await t.db.admin.selectFrom('candidate_recommendations').select('id').where('young_user_id', '=', w.young.id).executeTakeFirstOrThrow();
    const accepted = await young.submit('/compte/accompagnement', { reponse: 'accepter' }, `/compte/accompagnement/recommandations/${recommendation.id}`);
    expect(accepted.statusCode).toBe(303);

    const row = await t.db.admin
      .selectFrom('candidate_recommendations')
      .innerJoin('applications', 'applications.id', 'candidate_recommendations.application_id')
      .select(['candidate_recommendations.status', 'candidate_recommendations.consent_channel', 'candidate_recommendations.consent_at', 'applications.recommended_by', 'applications.recommendation_note', 'applications.cv_file_id', 'applications.id'])
      .where('candidate_recommendations.id', '=', recommendation.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sent', consent_channel: 'app', recommended_by: w.referent.id, recommendation_note: 'Très motivée, disponible tout de suite.' });
    expect(row.consent_at).toBeInstanceOf(Date);
    expect(row.cv_file_id).not.toBeNull();

    // The employer: the badge, the counsellor's contact and note, an e-mail; never the private note.
    const employerMail = await lastMailTo(t.app, DIJON, w.employer.email);
    expect(employerMail.subject).toContain('Candidature recommandée par Jeunes & Emploi Dijon');
    const employer = await signedIn(t.app, DIJON, w.employer.email);
    const pipeline = decodeHtml((await employer.get(`/compte/offres/${w.offer.id}/candidatures`)).body);
    expect(pipeline).toContain('Recommandée');
    const page = decodeHtml((await employer.get(`/compte/candidatures/${row.id}`)).body);
    expect(page).toContain('Recommandée par Jeunes & Emploi Dijon');
    expect(page).toContain(w.referent.email);
    expect(page).toContain('Très motivée, disponible tout de suite.');
    expect(page).not.toContain('Difficultés de transport');
    // The counsellor sees both notes.
    const file = decodeHtml((await counsellor.get(`/conseiller/jeunes/${w.young.id}`)).body);
    expect(file).toContain('Difficultés de transport le soir.');
  });

  it('with an agreement given in an interview, the application goes at once; a second one for the same offer is refused', async () => {
    const other = await youthWorld(t, 'reco2');
    await t.db.admin.deleteFrom('applications').where('id', '=', other.applicationId).execute();
    const counsellor = await signedIn(t.app, DIJON, other.referent.email);
    const sent = await counsellor.submit(`/conseiller/jeunes/${other.young.id}/recommander`, { offer: other.offer.id, note_for_employer: 'Vu en entretien hier.', channel: 'interview' });
    expect(sent.statusCode).toBe(303);
    const rec = await t.db.admin.selectFrom('candidate_recommendations').select(['status', 'consent_channel', 'application_id']).where('young_user_id', '=', other.young.id).executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ status: 'sent', consent_channel: 'interview' });
    const again = await counsellor.submit(`/conseiller/jeunes/${other.young.id}/recommander`, { offer: other.offer.id, channel: 'interview' });
    expect(again.statusCode).toBe(409);
    // Only a follower recommends: a colleague who does not follow this young person gets 404.
    const colleague = await signedIn(t.app, DIJON, other.colleague.email);
    expect((await colleague.get(`/conseiller/jeunes/${other.young.id}/recommander`)).statusCode).toBe(404);
  });

  it('a refusal of a recommended application needs a reason; the young person sees it only if shared, the counsellor always', async () => {
    const application = await t.db.admin.selectFrom('applications').select('id').where('user_id', '=', w.young.id).where('offer_id', '=', w.offer.id).executeTakeFirstOrThrow();
    const employer = await signedIn(t.app, DIJON, w.employer.email);
    const page = `/compte/candidatures/${application.id}`;
    const noReason = await employer.submit(page, { status: 'rejected' }, `${page}/statut`);
    expect(noReason.statusCode).toBe(400);
    expect((await t.db.admin.selectFrom('applications').select('status').where('id', '=', application.id).executeTakeFirstOrThrow()).status).not.toBe('rejected');
    const refused = await employer.submit(page, { status: 'rejected', refusal_reason: 'incompatible_schedule' }, `${page}/statut`);
    expect(refused.statusCode).toBe(303);
    const young = await signedIn(t.app, DIJON, w.young.email);
    const space = decodeHtml((await young.get('/compte/candidat')).body);
    expect(space).toContain('Non retenue');
    expect(space).not.toContain('Disponibilités incompatibles');
    const rejectionMail = await lastMailTo(t.app, DIJON, w.young.email);
    expect(rejectionMail.text).not.toContain('Disponibilités incompatibles');
    const counsellor = await signedIn(t.app, DIJON, w.referent.email);
    expect(decodeHtml((await counsellor.get(`/conseiller/jeunes/${w.young.id}`)).body)).toContain('Disponibilités incompatibles avec le poste');

    // Reconsidered, then refused again with the reason shared: now the young person reads it.
    await employer.submit(page, { status: 'shortlisted' }, `${page}/statut`);
    await employer.submit(page, { status: 'rejected', refusal_reason: 'position_filled', refusal_shared: 'oui' }, `${page}/statut`);
    expect(decodeHtml((await young.get('/compte/candidat')).body)).toContain('Poste déjà pourvu');
    expect((await lastMailTo(t.app, DIJON, w.young.email)).text).toContain('Poste déjà pourvu');
  });

  it('reminds the employer once after 7 days and closes « sans réponse » after 45 days (clock injected)', async () => {
    const late = await youthWorld(t, 'relance');
    await t.db.admin.deleteFrom('applications').where('id', '=', late.applicationId).execute();
    const counsellor = await signedIn(t.app, DIJON, late.referent.email);
    await counsellor.submit(`/conseiller/jeunes/${late.young.id}/recommander`, { offer: late.offer.id, channel: 'interview' });
    const application = await t.db.admin.selectFrom('applications').select(['id', 'created_at']).where('user_id', '=', late.young.id).executeTakeFirstOrThrow();
    const sentAt = application.created_at.getTime();
    const dijon = t.app.tenants.get('dijon')!;
    const remindersTo = async () => (await mailbox(t.app, DIJON)).filter((m) => m.to === late.employer.email && m.subject.startsWith('Rappel')).length;

    const reminderOf = async () => (await t.db.admin.selectFrom('applications').select('reminder_sent_at').where('id', '=', application.id).executeTakeFirstOrThrow()).reminder_sent_at;
    await runRecommendationCalendar(t.app.db, dijon, t.app.mail, new Date(sentAt + 6 * DAY));
    expect(await reminderOf()).toBeNull();
    expect(await remindersTo()).toBe(0);
    await runRecommendationCalendar(t.app.db, dijon, t.app.mail, new Date(sentAt + 7 * DAY + 1000));
    expect(await reminderOf()).toEqual(new Date(sentAt + 7 * DAY + 1000));
    expect(await remindersTo()).toBe(1);
    await runRecommendationCalendar(t.app.db, dijon, t.app.mail, new Date(sentAt + 20 * DAY));
    expect(await remindersTo()).toBe(1);
    const still = await t.db.admin.selectFrom('applications').select('status').where('id', '=', application.id).executeTakeFirstOrThrow();
    expect(still.status).toBe('new');

    await runRecommendationCalendar(t.app.db, dijon, t.app.mail, new Date(sentAt + 44 * DAY));
    expect((await t.db.admin.selectFrom('applications').select('status').where('id', '=', application.id).executeTakeFirstOrThrow()).status).toBe('new');
    await runRecommendationCalendar(t.app.db, dijon, t.app.mail, new Date(sentAt + 45 * DAY + 1000));
    const closed = await t.db.admin.selectFrom('applications').select(['status', 'status_changed_at']).where('id', '=', application.id).executeTakeFirstOrThrow();
    expect(closed.status).toBe('unanswered');
    expect(closed.status_changed_at.getTime()).toBe(sentAt + 45 * DAY + 1000);
    expect((await lastMailTo(t.app, DIJON, late.young.email)).subject).toContain('close sans réponse');
    expect((await lastMailTo(t.app, DIJON, late.referent.email)).subject).toContain('Recommandation sans réponse');
    // Idempotent: a later run changes nothing and sends nothing.
    const before = (await mailbox(t.app, DIJON)).length;
    await runRecommendationCalendar(t.app.db, dijon, t.app.mail, new Date(sentAt + 60 * DAY));
    expect((await mailbox(t.app, DIJON)).length).toBe(before);
  });

  it('an answer stops the clock: a status change or a message from the company', async () => {
    const answered = await youthWorld(t, 'reponse');
    await t.db.admin.deleteFrom('applications').where('id', '=', answered.applicationId).execute();
    const counsellor = await signedIn(t.app, DIJON, answered.referent.email);
    await counsellor.submit(`/conseiller/jeunes/${answered.young.id}/recommander`, { offer: answered.offer.id, channel: 'interview' });
    const application = await t.db.admin.selectFrom('applications').select(['id', 'created_at']).where('user_id', '=', answered.young.id).executeTakeFirstOrThrow();
    const employer = await signedIn(t.app, DIJON, answered.employer.email);
    const started = await employer.submit(`/messages/candidature/${application.id}`, { body: 'Bonjour, pouvez-vous venir mardi ?' });
    expect(started.statusCode).toBe(303);
    const row = await t.db.admin.selectFrom('applications').select('employer_answered_at').where('id', '=', application.id).executeTakeFirstOrThrow();
    expect(row.employer_answered_at).not.toBeNull();
    await runRecommendationCalendar(t.app.db, t.app.tenants.get('dijon')!, t.app.mail, new Date(application.created_at.getTime() + 50 * DAY));
    expect((await t.db.admin.selectFrom('applications').select('status').where('id', '=', application.id).executeTakeFirstOrThrow()).status).toBe('new');
  });

  it('the delay is the tenant’s setting (recommendations.autoCloseDays)', async () => {
    const quick = await youthWorld(t, 'delai');
    await t.db.admin.deleteFrom('applications').where('id', '=', quick.applicationId).execute();
    await (await signedIn(t.app, DIJON, quick.referent.email)).submit(`/conseiller/jeunes/${quick.young.id}/recommander`, { offer: quick.offer.id, channel: 'interview' });
    const application = await t.db.admin.selectFrom('applications').select(['id', 'created_at']).where('user_id', '=', quick.young.id).executeTakeFirstOrThrow();
    const dijon = t.app.tenants.get('dijon')!;
    expect(dijon.config.recommendations?.autoCloseDays).toBe(45);
    const twentyDays = { ...dijon, config: { ...dijon.config, recommendations: { autoCloseDays: 20 } } };
    await runRecommendationCalendar(t.app.db, twentyDays, t.app.mail, new Date(application.created_at.getTime() + 20 * DAY + 1000));
    expect((await t.db.admin.selectFrom('applications').select('status').where('id', '=', application.id).executeTakeFirstOrThrow()).status).toBe('unanswered');
  });
});
