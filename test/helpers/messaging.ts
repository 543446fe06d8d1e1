import type { FastifyInstance } from 'fastify';
import { DIJON, MONTAGNE, createTestApp, type TestApp } from './app.js';
import { FormClient } from './accounts.js';
import { apiToken, DEMO_PASSWORD } from './company-space.js';
import { multipart, PDF } from './multipart-form.js';
import { copyTenants, editTenantJson } from './tenant-fixtures.js';

/**
 * The app with a second board where messaging is on too (montagne's copy), so that a counsellor of
 * another tenant is a real, signed-in counsellor whose forged ids must get 404.
 */
export async function createMessagingTestApp(): Promise<TestApp> {
  const tenantsDir = copyTenants(['dijon', 'montagne']);
  editTenantJson(tenantsDir, 'montagne', (config) => {
    config.features.messaging = true;
  });
  return createTestApp({ tenantsDir });
}

/** A JSON (or multipart) API client with a bearer token of `email` on `host`. */
export async function bearerClient(app: FastifyInstance, host: string, email: string) {
  const token = await apiToken(app, host, email, DEMO_PASSWORD);
  return {
    token,
    json: (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, onHost = host) =>
      app.inject({ method, url, headers: { host: onHost, authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) }),
    /** POST multipart: text fields and one file `piece`. */
    upload: (url: string, fields: Record<string, string>, file?: { filename: string; data: Buffer; type?: string }) => {
      const { body, contentType } = multipart([...Object.entries(fields).map(([name, value]) => ({ name, value })), ...(file ? [{ name: 'piece', file }] : [])]);
      return app.inject({ method: 'POST', url, headers: { host, authorization: `Bearer ${token}`, 'content-type': contentType }, payload: body });
    },
  };
}

export type BearerClient = Awaited<ReturnType<typeof bearerClient>>;

/** A signed-in browser in miniature. */
export async function signedIn(app: FastifyInstance, host: string, email: string): Promise<FormClient> {
  const client = new FormClient(app, host);
  await client.logIn(email, DEMO_PASSWORD);
  return client;
}

export const ATTACHMENT = { filename: 'attestation.pdf', data: PDF, type: 'application/pdf' };
export { DIJON, MONTAGNE };
