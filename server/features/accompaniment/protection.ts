import type { TenantDb } from '../../db/tenant-db.js';
import type { Tenant } from '../../tenancy/registry.js';
import { isMinor, needsParentalConsent } from '../../youth/age.js';

/** What the minors' rules say about one young person on `now` (youth boards; adults: all false). */
export interface Protection {
  minor: boolean;
  /** Under 15 and no parent has confirmed yet: the CV bank and threads with companies wait. */
  awaitingParentalConsent: boolean;
  /** Under 15 (whether or not a parent has consented). */
  under15: boolean;
}

export function protectionFrom(birthDate: string | null, parentalConsentAt: Date | null, tenant: Tenant, now: Date): Protection {
  const under15 = needsParentalConsent(birthDate, now, tenant.config.timezone);
  return { minor: isMinor(birthDate, now, tenant.config.timezone), under15, awaitingParentalConsent: under15 && parentalConsentAt === null };
}

/** The protection of a user (a young person) read from the database. Unknown user: nothing to protect. */
export async function protectionOf(t: TenantDb, tenant: Tenant, userId: string, now: Date): Promise<Protection> {
  const row = await t.trx
    .selectFrom('users')
    .leftJoin('parental_consents', (j) => j.onRef('parental_consents.user_id', '=', 'users.id').onRef('parental_consents.tenant_id', '=', 'users.tenant_id'))
    .where('users.tenant_id', '=', t.tenantId)
    .where('users.id', '=', userId)
    .select(['users.birth_date', 'parental_consents.confirmed_at'])
    .executeTakeFirst();
  return protectionFrom(row?.birth_date ?? null, row?.confirmed_at ?? null, tenant, now);
}
