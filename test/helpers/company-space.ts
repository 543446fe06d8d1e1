import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { UserRole } from '../../server/db/database.js';
import { hashPassword } from '../../server/features/accounts/passwords.js';
import type { TestApp } from './app.js';

export const DEMO_PASSWORD = 'cordee-demo';
/** One argon2 hash shared by every account these helpers create (hashing is the slow part). */
let sharedHash: Promise<string> | undefined;

/**
 * A verified account with the demo password, created directly in the database (faster than the
 * sign-up flow, which has its own tests), optionally member of a company.
 */
export async function createAccount(
  t: TestApp,
  tenant: string,
  account: { email: string; role: UserRole; name?: string; companyId?: string; memberRole?: 'owner' | 'member' },
): Promise<string> {
  sharedHash ??= hashPassword(DEMO_PASSWORD);
  const { id } = await t.db.admin
    .insertInto('users')
    .values({
      tenant_id: tenant,
      email: account.email,
      display_name: account.name ?? account.email.split('@')[0],
      role: account.role,
      password_hash: await sharedHash,
      email_verified_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (account.companyId) {
    await t.db.admin
      .insertInto('company_members')
      .values({ tenant_id: tenant, company_id: account.companyId, user_id: id, member_role: account.memberRole ?? 'owner' })
      .execute();
  }
  return id;
}

/** A company without membership (nor offers) in a tenant, for rules that depend on the company. */
export async function createCompany(t: TestApp, tenant: string, name: string): Promise<string> {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const { id } = await t.db.admin
    .insertInto('companies')
    .values({ tenant_id: tenant, name, slug, commune_insee: '74056' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

export async function companyIdOf(t: TestApp, tenant: string, email: string): Promise<string> {
  const row = await t.db.admin
    .selectFrom('company_members')
    .innerJoin('users', 'users.id', 'company_members.user_id')
    .select('company_members.company_id')
    .where('users.tenant_id', '=', tenant)
    .where('users.email', '=', email)
    .executeTakeFirstOrThrow();
  return row.company_id;
}

let ips = 0;
/** A bearer token from POST /api/v1/auth/token (each from its own client address: no shared rate limit). */
export async function apiToken(app: FastifyInstance, host: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  ips += 1;
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/token',
    headers: { host },
    payload: { email, password },
    remoteAddress: `192.0.2.${1 + (ips % 250)}`,
  });
  if (response.statusCode !== 200) throw new Error(`token for ${email} on ${host}: ${response.statusCode} ${response.body}`);
  return response.json().access_token as string;
}

export type Api = (method: InjectOptions['method'], url: string, payload?: object) => Promise<LightMyRequestResponse>;

/** JSON requests on one host, with a bearer token or anonymously. */
export function apiClient(app: FastifyInstance, host: string, token?: string): Api {
  return (method, url, payload) =>
    app.inject({
      method,
      url,
      headers: { host, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(payload ? { payload } : {}),
    });
}

/** A valid offer body for POST /api/v1/offers. */
export function offerBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Perchman / perchwoman saison d’hiver',
    description_html: '<p>Accueil des skieurs au départ des téléskis, contrôle des forfaits et sécurité.</p>',
    contract: 'seasonal',
    working_time: 'full_time',
    commune_insee: '74056',
    rome_code: 'G1204',
    sector: 'remontees-mecaniques',
    hours_per_week: 35,
    start_date: '2026-12-12',
    end_date: '2027-04-18',
    season: 'winter',
    salary_min: 1850,
    salary_max: 2100,
    salary_unit: 'month',
    housing: 'provided',
    experience: 'none',
    driving_licence: false,
    apply_method: 'email',
    apply_email: 'recrutement@exemple.fr',
    job_nature: 'creation',
    ...overrides,
  };
}
