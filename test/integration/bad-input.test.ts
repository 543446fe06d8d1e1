import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../helpers/accounts.js';
import { createTestApp, MONTAGNE, type TestApp } from '../helpers/app.js';

/** Raw bytes on a fresh socket, read until the server closes: what no HTTP client library would send. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(Buffer.from(bytes, 'latin1')));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

const errorBody = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));

// Findings of the fault suite's generated requests (test/faults/scenarios/malformed-input.ts), kept here
// as fast regressions: each used to answer 500 or Fastify's English error body.
describe('hostile input that fails before or beside validation', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => t?.close());

  const get = (url: string) => t.app.inject({ url, headers: { host: MONTAGNE } });

  it('refuses a NUL character anywhere in the address with a 400, also on routes without a parameter schema', async () => {
    for (const url of ['/entreprises/%00', '/entreprises/%00/logo', '/api/v1/offers?q=ski%00']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(400);
    }
    expect((await get('/api/v1/offers?q=%00')).json()).toEqual({ error: { code: 'BAD_URL', message: 'Cette adresse n’est pas valide', fields: {} } });
  });

  it('refuses a NUL character inside a JSON body with a 400 naming the field', async () => {
    const token = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', headers: { host: MONTAGNE }, payload: { email: 'employeur@montagne.demo', password: 'cordee-demo' } })).json().access_token;
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/offers',
      headers: { host: MONTAGNE, authorization: `Bearer ${token}` },
      payload: { title: 'Pisteur\u0000', description_html: '<p>x</p>', contract: 'cdi', working_time: 'full_time', commune_insee: '74056' },
    });
    expect(response.statusCode).toBe(400);
    expect(Object.keys(response.json().error.fields)).toEqual(['title']);
  });

  it('refuses days that are not on the calendar with a 400, where they used to reach PostgreSQL', async () => {
    const admin = new FormClient(t.app, MONTAGNE);
    await admin.logIn('admin@montagne.demo', 'cordee-demo');
    for (const day of ['9999-99-99', '2026-02-30']) expect((await admin.get(`/admin/flux/france-travail/${day}`)).statusCode, day).toBe(400);
    expect((await admin.get('/admin/flux/france-travail/2026-02-28')).statusCode).toBe(404);
    const company = await t.db.admin.selectFrom('companies').select('id').where('tenant_id', '=', 'montagne').orderBy('name').executeTakeFirstOrThrow();
    const page = `/admin/adhesions/${company.id}/paiement`;
    const refused = await admin.submit(page, { method: 'bank_transfer', reference: 'VIR-30-FEV', paid_on: '2026-02-30', amount: '600' });
    expect(refused.statusCode).toBe(400);
    expect(await t.db.admin.selectFrom('membership_payments').select('id').where('reference', '=', 'VIR-30-FEV').execute()).toEqual([]);
  });

  it('answers bad percent-encoding and over-long path segments in the API’s error format', async () => {
    const bad = await get('/api/v1/offers/%zz');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ error: { code: 'BAD_URL', message: 'Adresse invalide', fields: {} } });
    const long = await get(`/api/v1/offers/${'a'.repeat(300)}`);
    expect(long.statusCode).toBe(414);
    expect(long.json().error.code).toBe('URL_TOO_LONG');
  });

  it('answers a request Node cannot parse with a 400 in the same format, and a silent socket with a 408', async () => {
    const answer = await raw(port, `GET /offres?q=\xff\x01 HTTP/1.1\r\nHost: ${MONTAGNE}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(errorBody(answer)).toEqual({ error: { code: 'BAD_REQUEST', message: 'Requête HTTP invalide', fields: {} } });
    const oversized = await raw(port, `GET / HTTP/1.1\r\nHost: ${MONTAGNE}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(oversized).toMatch(/^HTTP\/1\.1 431 /);
    expect(errorBody(oversized).error.code).toBe('HEADERS_TOO_LARGE');
  });
});
