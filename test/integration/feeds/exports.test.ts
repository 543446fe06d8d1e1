import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregatorFeed, franceTravailFileOf } from '../../../server/features/feeds/export-service.js';
import { readAggregatorXml } from '../../../server/features/feeds/formats/aggregator-xml.js';
import { jobPostingsIn, postingValues } from '../../../server/features/feeds/formats/json-ld.js';
import { RecordSink } from '../../../server/features/feeds/formats/records.js';
import { partnerColumns } from '../../../server/offer-fields/field-map.js';
import { contractFromFranceTravail, contractFromWords } from '../../../server/offer-fields/vocabulary.js';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { FormClient } from '../../helpers/accounts.js';
import { apiClient, apiToken, DEMO_PASSWORD } from '../../helpers/company-space.js';

const DAY = 86_400_000;

/** The partner file as France Travail would read it: header, then one object per line. */
function parsePartnerFile(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\r\n');
  const names = header.split('|');
  return lines.map((line) => {
    const cells = line.split('|');
    expect(cells).toHaveLength(names.length);
    return Object.fromEntries(names.map((name, i) => [name, cells[i]]));
  });
}

/**
 * The exports parsed back and compared with the offers: the aggregator feed, France Travail's daily
 * file with its movements, and the offer pages' JSON-LD, each holding only the offers whose employer
 * agreed.
 */
describe('offer exports', () => {
  let t: TestApp;
  let visible: { id: string; title: string; postal_code: string | null; place_name: string | null; contract: string; company_name: string; export_consent: boolean; hours_per_week: number | null }[];
  let refused: string;
  const montagne = () => t.app.tenants.get('montagne')!;
  const ORIGIN = 'http://montagne.localhost';

  const visibleOffers = () =>
    t.db.admin
      .selectFrom('offers')
      .innerJoin('companies', 'companies.id', 'offers.company_id')
      .select(['offers.id', 'offers.title', 'offers.postal_code', 'offers.place_name', 'offers.contract', 'companies.name as company_name', 'offers.export_consent', 'offers.hours_per_week', 'offers.rome_code'])
      .where('offers.tenant_id', '=', 'montagne')
      .where('offers.status', '=', 'published')
      .where('offers.expires_at', '>', new Date())
      .orderBy('offers.id')
      .execute();

  beforeAll(async () => {
    t = await createTestApp();
    const all = await visibleOffers();
    // The employer withdraws its consent for one of its offers, through the API (the per-offer choice).
    const owned = await t.db.admin
      .selectFrom('offers')
      .innerJoin('company_members', 'company_members.company_id', 'offers.company_id')
      .innerJoin('users', 'users.id', 'company_members.user_id')
      .select('offers.id')
      .where('users.email', '=', 'employeur@montagne.demo')
      .where('offers.id', 'in', all.map((o) => o.id))
      .orderBy('offers.id')
      .executeTakeFirstOrThrow();
    refused = owned.id;
    const api = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, 'employeur@montagne.demo'));
    const patched = await api('PATCH', `/api/v1/offers/${refused}`, { export_consent: false });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().export_consent).toBe(false);
    visible = await visibleOffers();
  });
  afterAll(async () => t?.close());

  const consenting = () => visible.filter((o) => o.export_consent);

  it('serves the aggregator feed with every consenting public offer and nothing else, readable by any XML parser', async () => {
    const response = await t.app.inject({ url: '/flux/offres.xml', headers: { host: MONTAGNE } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/xml; charset=utf-8');
    const parsed = new XMLParser({ processEntities: false }).parse(response.body) as { source: { publisher: string; job: Record<string, unknown>[] } };
    expect(parsed.source.publisher).toBe('Emploi Montagne');
    const jobs = parsed.source.job;
    expect(jobs.map((j) => j.referencenumber).sort()).toEqual(consenting().map((o) => o.id).sort());
    expect(jobs.map((j) => j.referencenumber)).not.toContain(refused);
    for (const offer of consenting().slice(0, 20)) {
      const job = jobs.find((j) => j.referencenumber === offer.id)!;
      expect(job).toMatchObject({ title: offer.title, company: offer.company_name, url: `${ORIGIN}/offres/${offer.id}`, country: 'FR' });
      expect(String(job.postalcode)).toBe(offer.postal_code);
      expect(job.city).toBe(offer.place_name);
      expect(contractFromWords(String(job.jobtype))).toBe(offer.contract);
    }
  });

  it('reads back through the import reader into the same offers', async () => {
    const { content } = await aggregatorFeed(t.app.db, montagne(), ORIGIN);
    const sink = new RecordSink(10_000);
    await readAggregatorXml((async function* () { yield content; })(), sink);
    expect(sink.records).toHaveLength(consenting().length);
    const first = sink.records.find((r) => r.values.reference === consenting()[0].id)!;
    expect(first.values).toMatchObject({ title: consenting()[0].title, postal_code: consenting()[0].postal_code, offer_url: `${ORIGIN}/offres/${consenting()[0].id}` });
  });

  it('rebuilds the aggregator feed at most every few minutes', async () => {
    const now = new Date();
    const first = await aggregatorFeed(t.app.db, montagne(), ORIGIN, now);
    const again = await aggregatorFeed(t.app.db, montagne(), ORIGIN, new Date(now.getTime() + 60_000));
    expect(again.id).toBe(first.id);
    const later = await aggregatorFeed(t.app.db, montagne(), ORIGIN, new Date(now.getTime() + 6 * 60_000));
    expect(later.id).not.toBe(first.id);
  });

  it('writes France Travail’s daily file: movements, consent, the OGR job title code, hours and minutes, dates DD/MM/YYYY', async () => {
    const today = new Date();
    const { file, created } = await franceTravailFileOf(t.app.db, montagne(), ORIGIN, today);
    expect(created).toBe(true);
    const [header] = file.content.split('\r\n');
    expect(header.split('|')).toEqual(partnerColumns());
    const lines = parsePartnerFile(file.content);
    const summary = file.summary as { created: number; skipped: { id: string; reason: string }[] };
    const skipped = new Set(summary.skipped.map((s) => s.id));
    // Every consenting offer is either in the file or listed as not sent, with the reason.
    expect([...lines.map((l) => l.Par_ref_offre), ...skipped].sort()).toEqual(consenting().map((o) => o.id).sort());
    expect(lines.map((l) => l.Par_ref_offre)).not.toContain(refused);
    expect(lines.every((l) => l.Type_mouvement === 'C' && l.Mode_diffusion === 'O')).toBe(true);
    expect(summary.created).toBe(lines.length);
    const appellations = new Map(
      (await t.db.admin.selectFrom('rome_appellations').select(['ogr_code', 'rome_code', 'label']).execute()).map((a) => [String(a.ogr_code), a]),
    );
    for (const line of lines) {
      const offer = visible.find((o) => o.id === line.Par_ref_offre)!;
      const appellation = appellations.get(line.Code_OGR);
      expect(appellation, `OGR ${line.Code_OGR} of ${offer.title}`).toBeDefined();
      expect(line.Libelle_metier_OGR).toBe(appellation!.label);
      if (line.Code_rome) expect(appellation!.rome_code).toBe(line.Code_rome);
      expect(line.Description.startsWith(`${offer.title}. `)).toBe(true);
      expect(line.Description.length).toBeLessThanOrEqual(4000);
      expect(line.Off_date_creation).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
      expect(line.Off_date_fin_publication).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
      expect(contractFromFranceTravail(line.TCO_cle, line.NTC_cle)).toBe(offer.contract);
      if (offer.hours_per_week !== null) {
        const hours = Math.min(offer.hours_per_week, 35);
        expect(Number(line.Off_travail_hebdo_nb_hh) + Number(line.Off_travail_hebdo_nb_mi) / 60).toBeCloseTo(hours, 1);
        expect(Number(line.Off_travail_hebdo_nb_mi)).toBeLessThan(60);
      }
      expect(line.Par_URL_offre).toBe(`${ORIGIN}/offres/${offer.id}`);
    }
    // A second run the same day returns the same file.
    const again = await franceTravailFileOf(t.app.db, montagne(), ORIGIN, today);
    expect(again).toMatchObject({ created: false, file: { id: file.id } });
  });

  it('sends the next day’s changes as movements: modified, deleted when closed or when consent is withdrawn, created when new', async () => {
    const [changed, closed, withdrawn] = consenting();
    await t.db.admin.updateTable('offers').set({ title: `${changed.title} (temps plein)`, updated_at: new Date() }).where('id', '=', changed.id).execute();
    await t.db.admin.updateTable('offers').set({ status: 'filled' }).where('id', '=', closed.id).execute();
    await t.db.admin.updateTable('offers').set({ export_consent: false }).where('id', '=', withdrawn.id).execute();
    await t.db.admin.updateTable('offers').set({ export_consent: true }).where('id', '=', refused).execute();
    const { file } = await franceTravailFileOf(t.app.db, montagne(), ORIGIN, new Date(Date.now() + DAY));
    const lines = new Map(parsePartnerFile(file.content).map((l) => [l.Par_ref_offre, l]));
    expect(lines.get(changed.id)).toMatchObject({ Type_mouvement: 'M', Mode_diffusion: 'O' });
    expect(lines.get(changed.id)!.Description.startsWith(`${changed.title} (temps plein). `)).toBe(true);
    expect(lines.get(closed.id)).toMatchObject({ Type_mouvement: 'S', Mode_diffusion: 'O', Description: '' });
    // Withdrawn consent: a deletion carrying no content, flagged N.
    expect(lines.get(withdrawn.id)).toMatchObject({ Type_mouvement: 'S', Mode_diffusion: 'N', Description: '', Libelle_metier_OGR: '', COM_cle: '' });
    expect(lines.get(refused)?.Type_mouvement).toBe('C');
    expect(file.summary).toMatchObject({ deleted: 2, modified: 1 });
    // A deletion is sent once.
    const third = await franceTravailFileOf(t.app.db, montagne(), ORIGIN, new Date(Date.now() + 2 * DAY));
    const thirdLines = new Map(parsePartnerFile(third.file.content).map((l) => [l.Par_ref_offre, l]));
    expect(thirdLines.has(closed.id)).toBe(false);
    expect(thirdLines.has(withdrawn.id)).toBe(false);
  });

  it('lets the tenant admin alone download the files', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const files = await t.db.admin.selectFrom('offer_exports').select('generated_on').where('tenant_id', '=', 'montagne').where('kind', '=', 'france_travail').execute();
    const stored = files.map((f) => f.generated_on).sort()[0] ?? day;
    const admin = new FormClient(t.app, MONTAGNE);
    await admin.logIn('admin@montagne.demo', DEMO_PASSWORD);
    const download = await admin.get(`/admin/flux/france-travail/${stored}`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-disposition']).toBe(`attachment; filename="france-travail-montagne-${stored}.txt"`);
    expect(download.body.split('\r\n')[0]).toBe(partnerColumns().join('|'));
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
    expect((await employer.get(`/admin/flux/france-travail/${stored}`)).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/admin/flux/france-travail/${stored}`, headers: { host: MONTAGNE } })).statusCode).toBe(303);
    const dijonAdmin = new FormClient(t.app, DIJON);
    await dijonAdmin.logIn('admin@dijon.demo', DEMO_PASSWORD);
    expect((await dijonAdmin.get(`/admin/flux/france-travail/${stored}`)).statusCode).toBe(404);
  });

  it('writes JSON-LD on the offer pages that the import reader reads back as the same offer', async () => {
    const offer = consenting()[3];
    const page = await t.app.inject({ url: `/offres/${offer.id}`, headers: { host: MONTAGNE } });
    const block = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(page.body)![1];
    const [posting] = jobPostingsIn(JSON.parse(block));
    const values = postingValues(posting, `${ORIGIN}/offres/${offer.id}`);
    expect(values).toMatchObject({ reference: offer.id, title: offer.title, postal_code: offer.postal_code, place_name: offer.place_name, company_name: offer.company_name });
  });
});
