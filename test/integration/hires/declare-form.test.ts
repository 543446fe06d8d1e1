import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../../helpers/accounts.js';
import { createTestApp, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { companyIdOf, DEMO_PASSWORD } from '../../helpers/company-space.js';

/** The hire declaration page of the company space, with its company chosen by the query string. */
describe('declaring a hire: the page', () => {
  let t: TestApp;
  let employer: FormClient;
  let companyId: string;

  beforeAll(async () => {
    t = await createTestApp();
    companyId = await companyIdOf(t, 'montagne', 'employeur@montagne.demo');
    employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
  });
  afterAll(async () => t?.close());

  it('opens with the employer’s company chosen', async () => {
    const page = await employer.get(`/compte/embauches/declarer?entreprise=${companyId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`value="${companyId}"`);
  });

  // The fault suite's fuzzing found these answering 500: the refused query re-rendered the form with it.
  it.each(['null', '-1e309', '..%2F..%2Fetc%2Fpasswd', '2026-02-30', '%00'])('refuses entreprise=%s with the form and a 400, not an error', async (value) => {
    const page = await employer.get(`/compte/embauches/declarer?entreprise=${value}`);
    expect(page.statusCode).toBe(400);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });

  it('does not choose a company of another board for the employer', async () => {
    const foreign = await companyIdOf(t, 'dijon', 'employeur@dijon.demo');
    const page = await employer.get(`/compte/embauches/declarer?entreprise=${foreign}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain(foreign);
  });
});
