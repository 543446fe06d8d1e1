import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Database } from '../database.js';
import type { TenantDb } from '../tenant-db.js';
import { stableUuid } from './random.js';

/**
 * The collaborative side of the Dijon demo board (issue #13), for the demo accounts
 * conseiller@dijon.demo (Samir Belkacem), jeune@dijon.demo (Inès Morel) and employeur@dijon.demo
 * (Brasserie des Ducs): caseloads, accompaniment threads, two recommended applications, offers
 * recommended to a young person, a CV bank, an offer-partnership thread with the équipe emploi.
 *
 * Everything but the dates comes from this catalogue: ids are derived from names (stableUuid), texts
 * and ages are fixed, and the offers used are the first published ones of Brasserie des Ducs in id
 * order (the main seed decides them without the clock). Dates are `now` minus fixed offsets, birth
 * dates included (ages stay the same). Every insert is ON CONFLICT DO NOTHING, so a second run, on any
 * day, writes nothing (test/integration/seed.test.ts).
 */

const TENANT = 'dijon';
const HOUR = 3600_000;
const DAY = 24 * HOUR;

const userId = (email: string) => stableUuid(`${TENANT}:user:${email}`);
const id = (name: string) => stableUuid(`${TENANT}:collaboration:${name}`);

const SAMIR = userId('conseiller@dijon.demo');
const SOPHIE = userId('conseillere@jeunes-emploi-dijon.cordee.example');
const INES = userId('jeune@dijon.demo');
const ANTOINE = userId('employeur@dijon.demo');
const BRASSERIE = stableUuid(`${TENANT}:company:brasserie-des-ducs`);

interface YoungTemplate {
  email: string;
  name: string;
  age: number;
  headline: string;
  phone: string;
  /** A CV (a one-page PDF generated from the name); validated by a counsellor into the CV bank. */
  cvBank: boolean;
}

/** Inès is a demo account (created by the main seed); the others have no password, like the staff. */
const YOUNG: YoungTemplate[] = [
  { email: 'jeune@dijon.demo', name: 'Inès Morel', age: 19, headline: 'CAP cuisine, cherche un premier emploi en restauration', phone: '06 12 45 78 90', cvBank: true },
  { email: 'lucas.bernard@jeunes.dijon.example', name: 'Lucas Bernard', age: 17, headline: 'Apprentissage en boulangerie ou en vente', phone: '06 23 56 89 01', cvBank: true },
  { email: 'yanis.haddad@jeunes.dijon.example', name: 'Yanis Haddad', age: 22, headline: 'Permis B, logistique et livraison', phone: '07 34 67 90 12', cvBank: false },
  { email: 'emma.petit@jeunes.dijon.example', name: 'Emma Petit', age: 14, headline: 'Stage découverte en animation', phone: '06 45 78 01 23', cvBank: false },
  { email: 'chloe.garnier@jeunes.dijon.example', name: 'Chloé Garnier', age: 20, headline: 'Vente, accueil, caisse', phone: '07 56 89 12 34', cvBank: false },
];

/** Who follows whom (Chloé asked and waits for a counsellor). */
const CASELOAD: { young: string; referent: string; delegates: string[]; channel: 'app' | 'interview'; startedDaysAgo: number }[] = [
  { young: 'jeune@dijon.demo', referent: SAMIR, delegates: [], channel: 'app', startedDaysAgo: 60 },
  { young: 'lucas.bernard@jeunes.dijon.example', referent: SAMIR, delegates: [], channel: 'interview', startedDaysAgo: 35 },
  { young: 'yanis.haddad@jeunes.dijon.example', referent: SAMIR, delegates: [SOPHIE], channel: 'interview', startedDaysAgo: 120 },
  { young: 'emma.petit@jeunes.dijon.example', referent: SOPHIE, delegates: [], channel: 'app', startedDaysAgo: 20 },
];

type Message = { key: string; author: string; hoursAgo: number; body: string };

/** Threads and their messages; hoursAgo keeps their order whatever the day. */
const ACCOMPANIMENT_THREADS: { young: string; messages: Message[] }[] = [
  {
    young: 'jeune@dijon.demo',
    messages: [
      { key: 'ines-1', author: INES, hoursAgo: 74, body: 'Bonjour Samir, j’ai mis mon CV à jour dans mon espace. Vous pouvez le regarder ?' },
      { key: 'ines-2', author: SAMIR, hoursAgo: 70, body: 'Bonjour Inès, c’est fait : il est très bien, je l’ai validé pour la CVthèque. Je vous ai aussi recommandé deux offres.' },
      { key: 'ines-3', author: INES, hoursAgo: 26, body: 'Merci ! La Brasserie des Ducs me plaît beaucoup, vous pouvez me recommander ?' },
      { key: 'ines-4', author: SAMIR, hoursAgo: 24, body: 'C’est envoyé, avec votre accord. Pensez à préparer l’entretien : on se voit jeudi à l’antenne.' },
    ],
  },
  {
    young: 'lucas.bernard@jeunes.dijon.example',
    messages: [
      { key: 'lucas-1', author: SAMIR, hoursAgo: 230, body: 'Bonjour Lucas, comme convenu en entretien je vous recommande pour le poste de commis.' },
      { key: 'lucas-2', author: userId('lucas.bernard@jeunes.dijon.example'), hoursAgo: 228, body: 'Merci beaucoup, je suis disponible les mercredis.' },
    ],
  },
];

/** Two recommended applications to Brasserie des Ducs' first two live offers. */
const RECOMMENDED = [
  {
    key: 'ines',
    young: 'jeune@dijon.demo',
    offerIndex: 0,
    channel: 'app' as const,
    daysAgo: 1,
    status: 'viewed' as const,
    note: 'Inès sort de CAP cuisine avec un très bon stage en brasserie. Motivée, ponctuelle, disponible tout de suite.',
    privateNote: 'Pas de permis : trajets en bus, attention aux services du soir.',
    thread: [
      { key: 'app-ines-1', author: ANTOINE, hoursAgo: 20, body: 'Bonjour Inès, votre profil nous intéresse. Pouvez-vous passer mardi à 15 h pour un entretien ?' },
      { key: 'app-ines-2', author: SAMIR, hoursAgo: 19, body: 'Bonjour, merci pour votre réponse rapide. Inès prend le bus : 15 h lui convient.' },
    ],
  },
  {
    key: 'lucas',
    young: 'lucas.bernard@jeunes.dijon.example',
    offerIndex: 1,
    channel: 'interview' as const,
    daysAgo: 9,
    status: 'new' as const,
    note: 'Lucas cherche un contrat d’apprentissage, il a fait deux stages en cuisine collective.',
    privateNote: 'Mineur : accord du représentant légal à prévoir pour le contrat.',
    thread: [],
  },
];

const PARTNERSHIP: Message[] = [
  { key: 'partner-1', author: ANTOINE, hoursAgo: 50, body: 'Bonjour, nous cherchons aussi un plongeur pour l’été : pouvez-vous nous orienter des jeunes ?' },
  { key: 'partner-2', author: SAMIR, hoursAgo: 47, body: 'Bonjour, oui : publiez l’offre, nous la relaierons aux jeunes suivis et pourrons vous en recommander.' },
];

/** A one-page PDF with the name on it: a valid file for the CV links, the same bytes every run. */
function cvPdf(name: string): Buffer {
  const text = `CV - ${name.normalize('NFD').replace(/[\u0300-\u036f]/g, '')}`;
  const stream = `BT /F1 24 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const birthDate = (age: number, now: Date) => new Date(Date.UTC(now.getUTCFullYear() - age, now.getUTCMonth(), now.getUTCDate()) - 40 * DAY).toISOString().slice(0, 10);
const ago = (now: Date, ms: number) => new Date(now.getTime() - ms);

/** Rows written (0 on a second run). Runs inside the main seed's tenant transaction for dijon. */
export async function seedDijonCollaboration(t: TenantDb, now: Date): Promise<number> {
  const { trx } = t;
  let written = 0;
  const count = (result: { numInsertedOrUpdatedRows?: bigint }[] | { numUpdatedRows?: bigint }) =>
    (written += Array.isArray(result) ? result.reduce((n, r) => n + Number(r.numInsertedOrUpdatedRows ?? 0), 0) : Number(result.numUpdatedRows ?? 0));
  const insert = async <T extends keyof Database & string>(table: T, rows: Insertable<Database[T]>[]) => {
    if (rows.length > 0) count(await trx.insertInto(table).values(rows as never).onConflict((oc) => oc.doNothing()).execute());
  };

  // Young people: accounts (Inès' exists: her birth date is set once), profiles and CVs.
  await insert(
    'users',
    YOUNG.filter((y) => y.email !== 'jeune@dijon.demo').map((y) => ({
      id: userId(y.email),
      tenant_id: TENANT,
      email: y.email,
      display_name: y.name,
      role: 'candidate' as const,
      email_verified_at: ago(now, 90 * DAY),
      birth_date: birthDate(y.age, now),
    })),
  );
  count(await trx.updateTable('users').set({ birth_date: birthDate(19, now) }).where('id', '=', INES).where('birth_date', 'is', null).executeTakeFirst());
  const files = YOUNG.map((y) => {
    const content = cvPdf(y.name);
    return { id: id(`cv:${y.email}`), tenant_id: TENANT, media_type: 'application/pdf', size_bytes: content.length, sha256: createHash('sha256').update(content).digest('hex'), content };
  });
  await insert('stored_files', files);
  await insert(
    'candidate_profiles',
    YOUNG.map((y) => ({ user_id: userId(y.email), tenant_id: TENANT, phone: y.phone, headline: y.headline, cv_file_id: id(`cv:${y.email}`), cv_file_name: `CV ${y.name}.pdf` })),
  );
  await insert(
    'cv_bank_entries',
    YOUNG.filter((y) => y.cvBank).map((y) => ({ user_id: userId(y.email), tenant_id: TENANT, validated_file_id: id(`cv:${y.email}`), validated_by: SAMIR, validated_at: ago(now, 3 * DAY), consent_at: ago(now, 2 * DAY) })),
  );

  // Caseloads, consent recorded; Chloé's request waits.
  await insert('accompaniments', [
    ...CASELOAD.map((c) => ({
      id: id(`accompaniment:${c.young}`),
      tenant_id: TENANT,
      young_user_id: userId(c.young),
      referent_user_id: c.referent,
      status: 'active' as const,
      consent_at: ago(now, c.startedDaysAgo * DAY),
      consent_channel: c.channel,
      started_at: ago(now, c.startedDaysAgo * DAY),
      next_appointment_at: c.young === 'jeune@dijon.demo' ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 3, 8, 30)) : null,
      next_appointment_place: c.young === 'jeune@dijon.demo' ? 'Antenne Mission Locale, 32 rue de la Liberté' : null,
    })),
    { id: id('accompaniment:chloe.garnier@jeunes.dijon.example'), tenant_id: TENANT, young_user_id: userId('chloe.garnier@jeunes.dijon.example'), status: 'requested' as const, requested_at: ago(now, 2 * DAY) },
  ]);
  await insert(
    'accompaniment_delegates',
    CASELOAD.flatMap((c) => c.delegates.map((d) => ({ tenant_id: TENANT, accompaniment_id: id(`accompaniment:${c.young}`), counsellor_user_id: d }))),
  );
  await insert('follow_up_events', [
    { id: id('event:ines:1'), tenant_id: TENANT, accompaniment_id: id('accompaniment:jeune@dijon.demo'), kind: 'interview', happened_on: ago(now, 60 * DAY).toISOString().slice(0, 10), note: 'Premier entretien : projet restauration', author_user_id: SAMIR },
    { id: id('event:ines:2'), tenant_id: TENANT, accompaniment_id: id('accompaniment:jeune@dijon.demo'), kind: 'workshop', happened_on: ago(now, 14 * DAY).toISOString().slice(0, 10), note: 'Atelier « préparer un entretien »', author_user_id: SAMIR },
  ]);
  await insert('accompaniment_notes', [
    { id: id('note:ines'), tenant_id: TENANT, accompaniment_id: id('accompaniment:jeune@dijon.demo'), author_user_id: SAMIR, body: 'Très motivée. Cherche un poste en journée (transports).', created_at: ago(now, 59 * DAY) },
  ]);

  // The Brasserie des Ducs' live offers, in id order: the same ones whatever the day.
  const offers = await trx
    .selectFrom('offers')
    .select(['id', 'title'])
    .where('tenant_id', '=', TENANT)
    .where('company_id', '=', BRASSERIE)
    .where('status', '=', 'published')
    .orderBy('id')
    .execute();
  if (offers.length < 3) throw new Error('dijon : la Brasserie des Ducs doit avoir trois offres publiées pour la démonstration');

  await insert('offer_suggestions', [
    { id: id('suggestion:ines:2'), tenant_id: TENANT, offer_id: offers[2].id, young_user_id: INES, counsellor_user_id: SAMIR, note: 'Un bon complément si le premier poste ne se fait pas.', created_at: ago(now, 3 * DAY) },
  ]);

  // Two recommended applications, sent with the young person's agreement.
  for (const r of RECOMMENDED) {
    const young = YOUNG.find((y) => y.email === r.young)!;
    const sentAt = ago(now, r.daysAgo * DAY);
    await insert('applications', [
      {
        id: id(`application:${r.key}`),
        tenant_id: TENANT,
        offer_id: offers[r.offerIndex].id,
        company_id: BRASSERIE,
        user_id: userId(r.young),
        full_name: young.name,
        email: r.young,
        phone: young.phone,
        cv_file_id: id(`cv:${r.young}`),
        cv_file_name: `CV ${young.name}.pdf`,
        status: r.status,
        status_changed_at: sentAt,
        consent_at: sentAt,
        created_at: sentAt,
        recommended_by: SAMIR,
        recommendation_note: r.note,
      },
    ]);
    await insert('candidate_recommendations', [
      {
        id: id(`recommendation:${r.key}`),
        tenant_id: TENANT,
        offer_id: offers[r.offerIndex].id,
        young_user_id: userId(r.young),
        counsellor_user_id: SAMIR,
        note_for_employer: r.note,
        private_note: r.privateNote,
        status: 'sent',
        consent_at: sentAt,
        consent_channel: r.channel,
        application_id: id(`application:${r.key}`),
        origin: 'http://dijon.localhost:3000',
        created_at: sentAt,
        decided_at: sentAt,
      },
    ]);
    if (r.thread.length > 0) {
      await insertThread(t, insert, now, { key: `application:${r.key}`, kind: 'application', application_id: id(`application:${r.key}`), company_id: BRASSERIE, young_user_id: userId(r.young) }, r.thread);
      count(await trx.updateTable('applications').set({ employer_answered_at: ago(now, r.thread[0].hoursAgo * HOUR) }).where('id', '=', id(`application:${r.key}`)).where('employer_answered_at', 'is', null).executeTakeFirst());
    }
  }

  for (const thread of ACCOMPANIMENT_THREADS) {
    await insertThread(t, insert, now, { key: `accompaniment:${thread.young}`, kind: 'accompaniment', accompaniment_id: id(`accompaniment:${thread.young}`), young_user_id: userId(thread.young) }, thread.messages);
  }
  await insertThread(t, insert, now, { key: 'partnership', kind: 'offer_partnership', offer_id: offers[0].id, company_id: BRASSERIE }, PARTNERSHIP);
  return written;
}

async function insertThread(
  t: TenantDb,
  insert: <T extends keyof Database & string>(table: T, rows: Insertable<Database[T]>[]) => Promise<void>,
  now: Date,
  thread: { key: string } & Pick<Insertable<Database['threads']>, 'kind' | 'accompaniment_id' | 'application_id' | 'offer_id' | 'company_id' | 'young_user_id'>,
  messages: Message[],
): Promise<void> {
  const { key, ...object } = thread;
  const threadId = id(`thread:${key}`);
  const first = ago(now, messages[0].hoursAgo * HOUR);
  const last = ago(now, messages[messages.length - 1].hoursAgo * HOUR);
  await insert('threads', [{ id: threadId, tenant_id: TENANT, ...object, origin: 'http://dijon.localhost:3000', created_by: messages[0].author, created_at: first, last_message_at: last }]);
  await insert(
    'messages',
    messages.map((m) => ({ id: id(`message:${m.key}`), tenant_id: TENANT, thread_id: threadId, author_user_id: m.author, body: m.body, created_at: ago(now, m.hoursAgo * HOUR) })),
  );
  // Everyone who wrote has read up to their own last message.
  const readers = new Map<string, Date>();
  for (const m of messages) readers.set(m.author, ago(now, m.hoursAgo * HOUR));
  await insert('thread_reads', [...readers].map(([user_id, at]) => ({ tenant_id: TENANT, thread_id: threadId, user_id, last_read_at: at })));
}
