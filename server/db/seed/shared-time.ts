import type { TenantDb } from '../tenant-db.js';
import type { Tenant } from '../../tenancy/registry.js';
import { clock, slotsFromSpec, WEEKDAYS } from '../../features/shared-time/engine/calendar.js';
import { resolveSettings } from '../../features/shared-time/engine/settings.js';
import { checkNeed, type CommuneLookup } from '../../features/shared-time/needs.js';
import { createRandom, stableUuid } from './random.js';
import type { SharedTimeSeed } from './shared-time-needs.js';

const DAY = 86_400_000;
const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/**
 * The shared-time demo of a tenant (issue #14): member settings, needs and the engine's state, in the
 * seed's transaction. Needs go through the same checks as a declared need (a catalogue mistake stops
 * the seed with its messages). Ids come from the catalogue's keys and each need draws its dates from
 * its own random stream, so a second run inserts nothing and only dates move with `now`. The engine's
 * state starts « to compute »: the worker's catch-up proposes the combinations.
 */
export async function insertSharedTime(t: TenantDb, tenant: Tenant, seed: SharedTimeSeed, companyIds: Map<string, string>, staffId: string, now: Date): Promise<number> {
  const companyId = (name: string) => {
    const id = companyIds.get(name);
    if (!id) throw new Error(`${tenant.id} : entreprise de démonstration inconnue « ${name} » (temps partagé)`);
    return id;
  };
  const count = (result: { numInsertedOrUpdatedRows?: bigint }[]) => result.reduce((sum, r) => sum + Number(r.numInsertedOrUpdatedRows ?? 0), 0);
  let inserted = 0;

  if (seed.members.length > 0) {
    const members = seed.members.map((m) => ({
      tenant_id: tenant.id,
      company_id: companyId(m.company),
      public_body: m.publicBody ?? false,
      employer_group: m.employerGroup ?? false,
      competitor_ids: (m.competitors ?? []).map(companyId),
    }));
    inserted += count(await t.trx.insertInto('shared_time_members').values(members).onConflict((oc) => oc.doNothing()).execute());
  }

  const settings = resolveSettings(tenant.config.sharedTime);
  const codes = [...new Set(seed.needs.flatMap((n) => n.sites.map((s) => s.insee)))];
  const communes = new Map<string, CommuneLookup>(
    (await t.trx.selectFrom('communes').select(['insee_code', 'name', 'postal_codes', 'latitude', 'longitude']).where('insee_code', 'in', codes).execute()).map((c) => [c.insee_code, c]),
  );
  const romes = new Set((await t.trx.selectFrom('rome_codes').select('code').where('code', 'in', [...new Set(seed.needs.map((n) => n.rome))]).execute()).map((r) => r.code));
  const rows = [];
  for (const need of seed.needs) {
    const random = createRandom(`seed:${tenant.id}:shared-time-need:${need.key}`);
    const startInDays = random.int(14, 120);
    const validatedDaysAgo = random.int(1, 40);
    const { values, errors } = await checkNeed(
      {
        title: need.title,
        rome_code: need.rome,
        sites: need.sites.map((s) => ({ commune_insee: s.insee, label: s.label ?? null })),
        periods: need.periods.map((p) => ({ from: p.from, to: p.to, slots: slotsFromSpec(...p.slots).map((s) => ({ day: WEEKDAYS[s.day], start: clock(s.start), end: clock(s.end), site: s.site })) })),
        licences: need.licences ?? [],
        start_date: isoDate(new Date(now.getTime() + startInDays * DAY)),
        min_commitment_months: need.commitmentMonths,
        hourly_wage: need.wage,
        short_contracts_replaced: need.replaced,
        notes: need.notes ?? null,
      },
      { t: (key) => key, settings, romeExists: async (code) => romes.has(code), communes: async () => communes },
    );
    if (!values) throw new Error(`${tenant.id} : besoin de démonstration « ${need.key} » invalide : ${JSON.stringify(errors)}`);
    const company = companyId(need.company);
    rows.push({
      ...values,
      sites: JSON.stringify(values.sites),
      periods: JSON.stringify(values.periods),
      id: stableUuid(`${tenant.id}:shared-time-need:${need.key}`),
      tenant_id: tenant.id,
      company_id: company,
      status: need.status,
      created_by: null,
      validated_by: need.status === 'validated' ? staffId : null,
      validated_at: need.status === 'validated' ? new Date(now.getTime() - validatedDaysAgo * DAY) : null,
    });
  }
  if (rows.length > 0) inserted += count(await t.trx.insertInto('shared_time_needs').values(rows).onConflict((oc) => oc.doNothing()).execute());
  inserted += count(await t.trx.insertInto('shared_time_state').values({ tenant_id: tenant.id, needs_version: 1, computed_version: 0 }).onConflict((oc) => oc.doNothing()).execute());
  return inserted;
}
