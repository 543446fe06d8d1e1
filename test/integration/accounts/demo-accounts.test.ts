import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/db/seed/demo-seed.js';
import { verifyPassword } from '../../../server/features/accounts/passwords.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { ROOT } from '../../helpers/tenant-fixtures.js';

const ACCOUNTS = [
  ['montagne', 'admin@montagne.demo', 'admin'],
  ['montagne', 'employeur@montagne.demo', 'employer'],
  ['montagne', 'candidat@montagne.demo', 'candidate'],
  ['dijon', 'admin@dijon.demo', 'admin'],
  ['dijon', 'employeur@dijon.demo', 'employer'],
  ['dijon', 'conseiller@dijon.demo', 'counsellor'],
  ['dijon', 'jeune@dijon.demo', 'candidate'],
  ['ge-occitanie', 'admin@ge-occitanie.demo', 'admin'],
  ['ge-occitanie', 'employeur@ge-occitanie.demo', 'employer'],
  ['ge-occitanie', 'candidat@ge-occitanie.demo', 'candidate'],
] as const;

describe('demo accounts (seed only)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it('exist on their tenant, verified, with the README password', async () => {
    expect(DEMO_PASSWORD).toBe('cordee-demo');
    const rows = await db.admin.selectFrom('users').selectAll().where('email', 'like', '%.demo').orderBy('email').execute();
    expect(rows.map((r) => [r.tenant_id, r.email, r.role]).sort()).toEqual([...ACCOUNTS].map((a) => [...a]).sort());
    for (const row of rows) {
      expect(row.email_verified_at, row.email).not.toBeNull();
      expect(row.disabled_at).toBeNull();
      expect(await verifyPassword(row.password_hash, DEMO_PASSWORD), row.email).toBe(true);
    }
  });

  it('makes each demo employer an owner of a seeded company; the mountain one’s membership is active', async () => {
    const members = await db.admin
      .selectFrom('company_members')
      .innerJoin('users', 'users.id', 'company_members.user_id')
      .innerJoin('companies', 'companies.id', 'company_members.company_id')
      .leftJoin('memberships', 'memberships.company_id', 'companies.id')
      .select(['users.email', 'companies.tenant_id', 'companies.name', 'company_members.member_role', 'memberships.status', 'memberships.period_end'])
      .where('users.email', 'in', ['employeur@montagne.demo', 'employeur@dijon.demo'])
      .orderBy('users.email')
      .execute();
    expect(members).toHaveLength(2);
    const [dijon, montagne] = members;
    expect(dijon).toMatchObject({ email: 'employeur@dijon.demo', tenant_id: 'dijon', member_role: 'owner', status: null });
    expect(montagne).toMatchObject({ email: 'employeur@montagne.demo', tenant_id: 'montagne', name: 'Remontées mécaniques des Houches', member_role: 'owner', status: 'active' });
    expect(new Date(montagne.period_end!).getTime()).toBeGreaterThan(Date.now());
  });

  it('are created by no migration', () => {
    const dir = path.join(ROOT, 'migrations');
    for (const file of readdirSync(dir)) expect(readFileSync(path.join(dir, file), 'utf8'), file).not.toMatch(/\.demo['"@]|cordee-demo/);
  });
});
