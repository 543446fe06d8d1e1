import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineBillingJobs, MEMBERSHIP_CALENDAR } from '../../../server/jobs/membership-reminders.js';
import { Worker } from '../../../server/jobs/worker.js';
import { createTestApp, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { mailbox } from '../../helpers/accounts.js';

const silent = { info() {}, warn() {}, error() {} };
const day = (iso: string, days: number) => new Date(Date.parse(`${iso}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('membership calendar job (reminders, past due, expiry)', () => {
  let t: TestApp;
  let companyId: string;
  let clock = new Date('2031-06-01T10:00:00Z');
  let worker: Worker;

  beforeAll(async () => {
    t = await createTestApp();
    const company = await t.db.admin
      .selectFrom('companies')
      .innerJoin('company_members', 'company_members.company_id', 'companies.id')
      .innerJoin('users', 'users.id', 'company_members.user_id')
      .select('companies.id')
      .where('users.email', '=', 'employeur@montagne.demo')
      .executeTakeFirstOrThrow();
    companyId = company.id;
    // Only this company's membership is in play (the demo ones end on other dates).
    await t.db.admin.updateTable('memberships').set({ status: 'cancelled' }).where('tenant_id', '=', 'montagne').execute();
    await t.db.admin
      .updateTable('memberships')
      .set({ status: 'active', period_start: '2030-07-01', period_end: '2031-07-01' })
      .where('company_id', '=', companyId)
      .execute();
    worker = new Worker(t.app.db, { pollIntervalMs: 50, log: silent });
    defineBillingJobs(worker, t.app.db, t.app.tenants, t.app.mail, { now: () => clock });
  });
  afterAll(async () => t?.close());

  const run = async () => {
    await worker.enqueue(MEMBERSHIP_CALENDAR);
    expect(await worker.tick()).toBe(1);
    await t.app.mail.idle();
  };
  const reminders = async () => (await mailbox(t.app, MONTAGNE)).filter((m) => m.to === 'employeur@montagne.demo' && m.subject.includes('échéance'));
  const status = async () => (await t.db.admin.selectFrom('memberships').select('status').where('company_id', '=', companyId).executeTakeFirstOrThrow()).status;

  it('sends the 30-day reminder once, however often the job runs', async () => {
    clock = new Date('2031-06-05T10:00:00Z'); // 26 days before the end
    await run();
    await run();
    const sent = await reminders();
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toContain('2031-07-01');
    expect(await t.db.admin.selectFrom('membership_reminders').select('kind').execute()).toEqual([{ kind: 'before_30' }]);
  });

  it('sends the 7-day reminder once', async () => {
    clock = new Date('2031-06-26T10:00:00Z');
    await run();
    await run();
    expect(await reminders()).toHaveLength(2);
    expect((await t.db.admin.selectFrom('membership_reminders').select('kind').orderBy('sent_at').execute()).map((r) => r.kind)).toEqual(['before_30', 'before_7']);
  });

  it('marks the membership past due after its end, keeps publishing within grace, then expires it', async () => {
    clock = new Date('2031-07-02T10:00:00Z');
    await run();
    expect(await status()).toBe('past_due');
    clock = new Date(`${day('2031-07-01', 30)}T10:00:00Z`); // last day of grace (graceDays: 30)
    await run();
    expect(await status()).toBe('past_due');
    clock = new Date(`${day('2031-07-01', 31)}T10:00:00Z`);
    await run();
    expect(await status()).toBe('expired');
    expect(await reminders()).toHaveLength(2);
  });
});
