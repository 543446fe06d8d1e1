import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { adminKysely } from '../../server/db/bootstrap.js';

export function databaseUrl(name: string): string {
  const url = new URL(inject('serverUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('serverUrl') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  /** Privileged URL (migrations role). The app derives its restricted role from it. */
  url: string;
  /** A privileged Kysely on this database, for arranging and inspecting data. */
  admin: ReturnType<typeof adminKysely>;
  drop(): Promise<void>;
}

/** A private copy of the seeded template database for one test file. */
export function createTestDatabase(): Promise<TestDatabase> {
  return createDatabase(inject('templateDatabase'));
}

/** A database with nothing in it, not even the migrations: a new deployment before its first start. */
export function createBlankDatabase(): Promise<TestDatabase> {
  return createDatabase(null);
}

async function createDatabase(template: string | null): Promise<TestDatabase> {
  const name = `cordee_test_${randomBytes(6).toString('hex')}`;
  // template0: a blank database even if template1 was changed on this server.
  await onServer((client) => client.query(`create database "${name}" template "${template ?? 'template0'}"`));
  const url = databaseUrl(name);
  const admin = adminKysely(url, () => {});
  return {
    name,
    url,
    admin,
    async drop() {
      await admin.destroy();
      await onServer((client) => client.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

/** The tenant's first live offer (published, not expired) in id order: a stable subject for a test. */
export function firstLiveOffer(admin: TestDatabase['admin'], tenant: string) {
  return admin
    .selectFrom('offers')
    .select(['id', 'company_id', 'title'])
    .where('tenant_id', '=', tenant)
    .where('status', '=', 'published')
    .where('expires_at', '>', new Date())
    .orderBy('id')
    .executeTakeFirstOrThrow();
}
