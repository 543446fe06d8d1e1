import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import type { Database } from '../../../server/db/database.js';
import { createKysely } from '../../../server/db/kysely.js';
import { migrateToLatest } from '../../../server/db/migrate.js';
import { APP_ROLE, createPool } from '../../../server/db/pool.js';
import { loadReferenceData } from '../../../server/db/reference-data.js';
import { withTenant } from '../../../server/db/tenant-db.js';
import { insertTenantRow, TenantToolError } from '../../../server/tenancy/create.js';
import { EXPORTED_TABLES, exportTenant, importTenant, NOT_EXPORTED } from '../../../server/tenancy/transfer.js';
import { createBlankDatabase, createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { copyTenants, editTenantJson } from '../../helpers/tenant-fixtures.js';
import { testTempDir } from '../../helpers/tmp.js';

/** A database of another deployment: migrated and with its reference data, but no tenant at all. */
async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createBlankDatabase();
  await migrateToLatest(database.admin);
  await loadReferenceData(database.admin, loadConfig({ NODE_ENV: 'test' }).referenceDataDir);
  return database;
}

/** Rows of one tenant table, by a privileged role under that tenant (works for a superuser and an owner). */
async function counts(db: Kysely<Database>, tenant: string): Promise<Record<string, number>> {
  return withTenant(db, tenant, async ({ trx }) => {
    const result: Record<string, number> = {};
    for (const table of EXPORTED_TABLES) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where tenant_id = ${tenant}`.execute(trx);
      result[table] = rows[0].n;
    }
    return result;
  });
}

async function exportLines(db: Kysely<Database>, tenantsDir: string, slug: string, options: { withCredentials?: boolean; withCvs?: boolean } = {}) {
  const lines: string[] = [];
  await exportTenant(db, { tenantsDir, slug, ...options }, async (line) => void lines.push(line));
  return lines;
}

async function* fromLines(lines: string[]) {
  yield* lines;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Rows in every exported table of montagne, beyond the demo seed (companies, offers, memberships,
 * users): a logo, an application with a CV and a note, a candidate with a profile, a bookmark and an
 * alert, a payment with its receipt counter and reminder, a Stripe event, an audit line (jsonb array)
 * and runtime settings.
 */
async function addMontagneActivity(db: Kysely<Database>): Promise<void> {
  const tenant_id = 'montagne';
  const offer = await db.selectFrom('offers').select(['id', 'company_id']).where('tenant_id', '=', tenant_id).where('status', '=', 'published').executeTakeFirstOrThrow();
  const admin = await db.selectFrom('users').select(['id', 'email']).where('tenant_id', '=', tenant_id).where('role', '=', 'admin').executeTakeFirstOrThrow();
  const membership = await db.selectFrom('memberships').select(['id', 'company_id', 'tier_code']).where('tenant_id', '=', tenant_id).executeTakeFirstOrThrow();
  const file = async (content: Buffer, media_type: string) =>
    (await db.insertInto('stored_files').values({ tenant_id, media_type, size_bytes: content.length, sha256: sha256(content), content }).returning('id').executeTakeFirstOrThrow()).id;
  const logo = await file(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/svg+xml');
  await db.updateTable('companies').set({ logo_file_id: logo }).where('id', '=', offer.company_id).execute();
  const cv = await file(Buffer.from('%PDF-1.4 CV de test\n'), 'application/pdf');
  const candidate = await db
    .insertInto('users')
    .values({ tenant_id, email: 'lea.transfert@example.org', display_name: 'Léa Transfert', role: 'candidate', password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('candidate_profiles').values({ tenant_id, user_id: candidate.id, headline: 'Saisonnière', cv_file_id: cv, cv_file_name: 'cv.pdf' }).execute();
  const application = await db
    .insertInto('applications')
    .values({ tenant_id, offer_id: offer.id, company_id: offer.company_id, user_id: candidate.id, full_name: 'Léa Transfert', email: 'lea.transfert@example.org', consent_at: new Date(), cv_file_id: cv, cv_file_name: 'cv.pdf' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('application_notes').values({ tenant_id, application_id: application.id, author_user_id: admin.id, body: 'À rappeler' }).execute();
  await db.insertInto('saved_offers').values({ tenant_id, user_id: candidate.id, offer_id: offer.id }).execute();
  const alert = await db
    .insertInto('alerts')
    .values({ tenant_id, user_id: candidate.id, email: 'lea.transfert@example.org', label: 'Saisonnier', search: JSON.stringify({ q: 'perchman', sectors: ['remontees'] }), frequency: 'daily', confirmed_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('alert_sends').values({ tenant_id, alert_id: alert.id, window_start: new Date(Date.now() - 86_400_000), window_end: new Date(), status: 'sent', offer_count: 2 }).execute();
  // The next receipt number of 2026: the demo history's renewals may already hold the first ones,
  // depending on the day the template was seeded.
  const { seq } = await db
    .selectFrom('membership_payments')
    .select((eb) => eb(eb.fn.coalesce(eb.fn.max('receipt_seq'), eb.lit(0)), '+', 1).as('seq'))
    .where('tenant_id', '=', tenant_id)
    .where('receipt_year', '=', 2026)
    .executeTakeFirstOrThrow();
  await db
    .insertInto('membership_payments')
    .values({ tenant_id, membership_id: membership.id, company_id: membership.company_id, method: 'bank_transfer', reference: 'VIR-1', paid_on: '2026-01-15', amount_cents: 60000, tier_code: membership.tier_code, period_start: '2026-01-15', period_end: '2027-01-14', receipt_year: 2026, receipt_seq: seq, receipt_number: `montagne-2026-${String(seq).padStart(4, '0')}` })
    .execute();
  await db
    .insertInto('receipt_counters')
    .values({ tenant_id, year: 2026, last_seq: seq })
    .onConflict((oc) => oc.columns(['tenant_id', 'year']).doUpdateSet({ last_seq: seq }))
    .execute();
  await db.insertInto('membership_reminders').values({ tenant_id, membership_id: membership.id, kind: 'before_30', period_end: '2027-01-14' }).execute();
  await db.insertInto('billing_events').values({ tenant_id, event_id: 'evt_transfert', type: 'invoice.paid', stripe_created_at: new Date() }).execute();
  await db
    .insertInto('admin_audit_log')
    .values({ tenant_id, actor_user_id: admin.id, actor_email: admin.email, action: 'offer.approve', target_type: 'offer', target_id: offer.id, details: JSON.stringify({ steps: ['a', 'b'], n: 2 }) })
    .execute();
  await db.insertInto('tenant_settings').values({ tenant_id, contact_phone: '0 800 00 00 00', offer_moderation: true }).execute();

  // The collaborative board's tables (migration 0011), in their foreign-key order.
  const counsellor = await db.insertInto('users').values({ tenant_id, email: 'conseil.transfert@example.org', display_name: 'Conseil Transfert', role: 'counsellor' }).returning('id').executeTakeFirstOrThrow();
  const now = new Date();
  await db.insertInto('parental_consents').values({ tenant_id, user_id: candidate.id, parent_email: 'parent@example.org', expires_at: now, confirmed_at: now }).execute();
  const accompaniment = await db
    .insertInto('accompaniments')
    .values({ tenant_id, young_user_id: candidate.id, referent_user_id: counsellor.id, status: 'active', consent_at: now, consent_channel: 'interview', started_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('accompaniment_delegates').values({ tenant_id, accompaniment_id: accompaniment.id, counsellor_user_id: admin.id }).execute();
  await db.insertInto('follow_up_events').values({ tenant_id, accompaniment_id: accompaniment.id, kind: 'workshop', happened_on: '2026-02-01', author_user_id: counsellor.id }).execute();
  await db.insertInto('accompaniment_notes').values({ tenant_id, accompaniment_id: accompaniment.id, author_user_id: counsellor.id, body: 'Note interne' }).execute();
  await db.insertInto('cv_bank_entries').values({ tenant_id, user_id: candidate.id, validated_file_id: cv, validated_by: counsellor.id, consent_at: now }).execute();
  await db.insertInto('offer_suggestions').values({ tenant_id, offer_id: offer.id, young_user_id: candidate.id, counsellor_user_id: counsellor.id, note: 'À voir' }).execute();
  await db
    .insertInto('candidate_recommendations')
    .values({ tenant_id, offer_id: offer.id, young_user_id: candidate.id, counsellor_user_id: counsellor.id, status: 'sent', consent_at: now, consent_channel: 'app', application_id: application.id, origin: 'https://emploi-montagne.cordee.example' })
    .execute();
  const thread = await db
    .insertInto('threads')
    .values({ tenant_id, kind: 'application', application_id: application.id, company_id: offer.company_id, young_user_id: candidate.id, origin: 'https://emploi-montagne.cordee.example' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const attachment = await file(Buffer.from('%PDF-1.4 pièce jointe\n'), 'application/pdf');
  const message = await db
    .insertInto('messages')
    .values({ tenant_id, thread_id: thread.id, author_user_id: candidate.id, body: 'Bonjour', attachment_file_id: attachment, attachment_name: 'piece.pdf', attachment_media_type: 'application/pdf', attachment_size: 20 })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('thread_reads').values({ tenant_id, thread_id: thread.id, user_id: candidate.id, last_read_at: now }).execute();
  await db.insertInto('abuse_reports').values({ tenant_id, message_id: message.id, reporter_user_id: counsellor.id, reason: 'harassment' }).execute();
  await db.insertInto('user_blocks').values({ tenant_id, blocker_user_id: candidate.id, blocked_user_id: admin.id }).execute();
  await db.insertInto('notification_settings').values({ tenant_id, user_id: candidate.id, daily_digest: true }).execute();
}

describe('tenant export → import into another deployment', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let montagne: string[];
  let montagneFull: string[];
  let sourceCounts: Record<string, number>;

  beforeAll(async () => {
    [source, target] = await Promise.all([createTestDatabase(), emptyDatabase()]);
    await addMontagneActivity(source.admin);
    const sourceTenants = copyTenants(['montagne', 'dijon']);
    montagne = await exportLines(source.admin, sourceTenants, 'montagne');
    montagneFull = await exportLines(source.admin, sourceTenants, 'montagne', { withCredentials: true, withCvs: true });
    sourceCounts = await counts(source.admin, 'montagne');
  });

  afterAll(async () => {
    await source?.drop();
    await target?.drop();
  });

  it('covers every tenant table: exported, or left out with a reason', async () => {
    const { rows } = await sql<{ table_name: string }>`
      select distinct table_name from information_schema.columns
      where table_schema = 'public' and column_name = 'tenant_id' order by table_name`.execute(source.admin);
    expect(rows.map((r) => r.table_name)).toEqual([...EXPORTED_TABLES, ...Object.keys(NOT_EXPORTED)].sort());
  });

  it('writes a header with the folder, one line per row and a trailer; no password hash or CV unless asked', () => {
    const header = JSON.parse(montagne[0]);
    expect(header).toMatchObject({ format: 'cordee-tenant', version: 1, tenant: { id: 'montagne', name: 'Emploi Montagne' }, withCredentials: false, withCvs: false });
    expect(header.config.hostnames).toEqual(['emploi-montagne.cordee.example']);
    expect(header.files.map((f: { path: string }) => f.path).sort()).toEqual(['assets/logo.svg', 'assets/tenant.css', 'strings.fr.json']);
    const rows = montagne.slice(1, -1).map((line) => JSON.parse(line));
    expect(rows.filter((r) => r.table === 'users').every((r) => r.row.password_hash === null)).toBe(true);
    expect(rows.filter((r) => r.table === 'stored_files')).toHaveLength(1); // the logo, not the CV nor the attachment
    expect(rows.find((r) => r.table === 'messages').row).toMatchObject({ attachment_file_id: null, attachment_name: 'piece.pdf' });
    expect(rows.filter((r) => r.table === 'cv_bank_entries')).toEqual([]);
    expect(rows.find((r) => r.table === 'applications').row).toMatchObject({ cv_file_id: null, cv_file_name: null });
    expect(JSON.parse(montagne.at(-1)!)).toEqual({ end: true, counts: expect.objectContaining({ offers: sourceCounts.offers, stored_files: 1 }) });
    expect(montagneFull.slice(1, -1).map((l) => JSON.parse(l)).some((r) => r.table === 'users' && r.row.password_hash?.startsWith('$argon2id$'))).toBe(true);
  });

  it('refuses a host name another tenant of the deployment uses, and writes nothing', async () => {
    const tenantsDir = copyTenants(['dijon']);
    editTenantJson(tenantsDir, 'dijon', (c) => (c.hostnames = ['emploi-montagne.cordee.example']));
    await expect(importTenant(target.admin, fromLines(montagneFull), { tenantsDir })).rejects.toThrow('le nom d’hôte « emploi-montagne.cordee.example » est déjà utilisé par le tenant dijon');
    expect(await target.admin.selectFrom('tenants').selectAll().execute()).toEqual([]);
  });

  it('refuses a row of another tenant slipped into the file, a truncated file and a foreign file, and writes nothing', async () => {
    const tenantsDir = testTempDir('tenants');
    const foreign = montagneFull.map((line) => (line.includes('"table":"offers"') && !line.includes('dijon') ? line.replace('"tenant_id":"montagne"', '"tenant_id":"dijon"') : line));
    const error = await importTenant(target.admin, fromLines(foreign), { tenantsDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantToolError);
    expect((error as Error).message).toMatch(/^ligne \d+ : tenant_id « dijon » au lieu de « montagne » \(refusé\)$/);
    await expect(importTenant(target.admin, fromLines(montagneFull.slice(0, -1)), { tenantsDir })).rejects.toThrow(/export incomplet/);
    await expect(importTenant(target.admin, fromLines(['{"hello":"world"}']), { tenantsDir })).rejects.toThrow(/pas un export de tenant Cordée/);
    expect(await target.admin.selectFrom('tenants').selectAll().execute()).toEqual([]);
    expect(existsSync(path.join(tenantsDir, 'montagne'))).toBe(false);
  });

  it('refuses to overwrite a tenant folder that differs from the export’s, and writes nothing', async () => {
    const tenantsDir = copyTenants(['montagne']);
    editTenantJson(tenantsDir, 'montagne', (config) => void (config.tagline = 'Une autre version du dossier'));
    await expect(importTenant(target.admin, fromLines(montagne), { tenantsDir })).rejects.toThrow(/le dossier .*montagne existe déjà et diffère de celui de l’export \(--skip-folder/);
    expect(await target.admin.selectFrom('tenants').selectAll().execute()).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(tenantsDir, 'montagne', 'tenant.json'), 'utf8')).tagline).toBe('Une autre version du dossier');
  });

  describe('into an empty database', () => {
    let tenantsDir: string;
    let dijonCounts: Record<string, number>;
    let refusedWithoutIntoEmpty: unknown;

    beforeAll(async () => {
      // Montagne arrives on a deployment that has never heard of it: folder and row come from the export.
      tenantsDir = copyTenants(['dijon']);
      // npm's banner ("> cordee@… tenant") precedes the header when the export went through `npm run … > file`.
      await importTenant(target.admin, fromLines(['', '> cordee@0.1.0 tenant', '> tsx scripts/tenant.ts export montagne', '', ...montagneFull]), { tenantsDir });
      // Dijon's folder was deployed first and a start registered its row, still without any data.
      writeFileSync(path.join(tenantsDir, 'dijon', 'assets', 'deployed-only.txt'), 'déployé à part');
      await insertTenantRow(target.admin, { id: 'dijon', name: 'Dijon (dossier déployé)' });
      const dijon = await exportLines(source.admin, copyTenants(['dijon']), 'dijon');
      refusedWithoutIntoEmpty = await importTenant(target.admin, fromLines(dijon), { tenantsDir }).catch((error: unknown) => error);
      await importTenant(target.admin, fromLines(dijon), { tenantsDir, intoEmpty: true });
      dijonCounts = await counts(source.admin, 'dijon');
    });

    it('round-trips the row count of every table, the bytes of files and jsonb values', async () => {
      expect(await counts(target.admin, 'montagne')).toEqual(sourceCounts);
      // Dijon travelled without --with-cvs: its CVs, and the CV bank's validations of them, stayed behind.
      expect(await counts(target.admin, 'dijon')).toEqual({ ...dijonCounts, stored_files: 0, cv_bank_entries: 0 });
      for (const db of [source.admin, target.admin]) {
        const files = await db.selectFrom('stored_files').select(['sha256', 'content']).where('tenant_id', '=', 'montagne').execute();
        expect(files.every((f) => sha256(f.content) === f.sha256)).toBe(true);
      }
      const audit = await target.admin.selectFrom('admin_audit_log').select('details').where('tenant_id', '=', 'montagne').executeTakeFirstOrThrow();
      expect(audit.details).toEqual({ steps: ['a', 'b'], n: 2 });
      const offer = await source.admin.selectFrom('offers').selectAll().where('tenant_id', '=', 'montagne').orderBy('id').executeTakeFirstOrThrow();
      // Every column as exported; the revision is the target's own (a sequence of its database, migration 0016).
      expect(await target.admin.selectFrom('offers').selectAll().where('id', '=', offer.id).executeTakeFirstOrThrow()).toEqual({ ...offer, search_revision: expect.any(Number) });
    });

    it('recreates the tenant folder from the export', () => {
      expect(JSON.parse(readFileSync(path.join(tenantsDir, 'montagne', 'tenant.json'), 'utf8')).slug).toBe('montagne');
      expect(readFileSync(path.join(tenantsDir, 'montagne', 'assets', 'tenant.css'), 'utf8')).toContain('snowy hero band');
    });

    it('keeps tenants isolated: under row-level security each tenant sees only its own rows, none without a tenant', async () => {
      const app = createKysely(createPool({ connectionString: target.url, role: APP_ROLE, max: 1, applicationName: 'transfer-test', onError: () => {} }));
      try {
        for (const [tenant, expected] of [['montagne', sourceCounts], ['dijon', dijonCounts]] as const) {
          const seen = await withTenant(app, tenant, async ({ trx }) => {
            const { rows } = await sql<{ offers: number; users: number; companies: number }>`
              select (select count(*)::int from offers) as offers, (select count(*)::int from users) as users, (select count(*)::int from companies) as companies`.execute(trx);
            return rows[0];
          });
          expect(seen, tenant).toEqual({ offers: expected.offers, users: expected.users, companies: expected.companies });
        }
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from offers`.execute(app);
        expect(rows[0].n).toBe(0);
      } finally {
        await app.destroy();
      }
    });

    it('queues every imported offer for the search index', async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from search_outbox where tenant_id = 'montagne'`.execute(target.admin);
      expect(rows[0].n).toBe(sourceCounts.offers);
    });

    it('imports into a tenant row registered without data only when asked, keeping the deployed folder', async () => {
      expect(refusedWithoutIntoEmpty).toBeInstanceOf(TenantToolError);
      expect((refusedWithoutIntoEmpty as Error).message).toContain('le tenant dijon existe déjà dans la base de ce déploiement (enregistré sans aucune donnée');
      expect((refusedWithoutIntoEmpty as Error).message).toContain('--into-empty');
      const row = await target.admin.selectFrom('tenants').selectAll().where('id', '=', 'dijon').executeTakeFirstOrThrow();
      const sourceRow = await source.admin.selectFrom('tenants').selectAll().where('id', '=', 'dijon').executeTakeFirstOrThrow();
      expect(row).toEqual(sourceRow);
      expect(readFileSync(path.join(tenantsDir, 'dijon', 'assets', 'deployed-only.txt'), 'utf8')).toBe('déployé à part');
    });

    it('refuses a slug that already exists, and one that holds data even with --into-empty', async () => {
      await expect(importTenant(target.admin, fromLines(montagne), { tenantsDir: testTempDir('tenants') })).rejects.toThrow('le tenant montagne existe déjà dans la base de ce déploiement');
      const before = await counts(target.admin, 'montagne');
      await expect(importTenant(target.admin, fromLines(montagne), { tenantsDir: testTempDir('tenants'), intoEmpty: true })).rejects.toThrow(
        /le tenant montagne existe déjà dans la base de ce déploiement, avec ses données \(users \d+, .*offers \d+/,
      );
      expect(await counts(target.admin, 'montagne')).toEqual(before);
    });
  });
});
