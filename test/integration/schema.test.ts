import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ROOT } from '../helpers/tenant-fixtures.js';

/** Table → column names, read from the `Database` interface of server/db/database.ts. */
function declaredSchema(): Record<string, string[]> {
  const file = path.join(ROOT, 'server/db/database.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
  });
  const propertiesOf = (name: string) =>
    interfaces.get(name)!.members.filter(ts.isPropertySignature).map((member) => ({ name: (member.name as ts.Identifier).text, type: member.type }));
  const schema: Record<string, string[]> = {};
  for (const table of propertiesOf('Database')) {
    const interfaceName = (table.type as ts.TypeReferenceNode).typeName.getText(source);
    schema[table.name] = propertiesOf(interfaceName).map((p) => p.name).sort();
  }
  return schema;
}

describe('schema', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  it('matches the typed Database interface, table by table and column by column', async () => {
    const { rows } = await sql<{ table_name: string; columns: string[] }>`
      select table_name, array_agg(column_name::text order by column_name) as columns
      from information_schema.columns
      where table_schema = 'public' and table_name not like 'kysely_%'
      group by table_name`.execute(db.admin);
    const actual = Object.fromEntries(rows.map((r) => [r.table_name, [...r.columns].sort()]));
    expect(actual).toEqual(declaredSchema());
  });

  it('lists every migration file in migrations/index.ts, in order', () => {
    const files = readdirSync(path.join(ROOT, 'migrations'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(Object.keys(migrations)).toEqual(files);
  });

  it('has applied every migration on the test database', async () => {
    const applied = await db.admin.selectFrom('kysely_migration' as never).select('name' as never).execute();
    expect(applied.map((r) => (r as { name: string }).name)).toEqual(Object.keys(migrations));
  });

  it('carries the reference data: communes with coordinates, ROME 4.0 and NAF codes', async () => {
    const counts = await sql<{ communes: number; located: number; rome: number; appellations: number; naf: number }>`
      select (select count(*) from communes)::int as communes,
             (select count(*) from communes where latitude is not null)::int as located,
             (select count(*) from rome_codes)::int as rome,
             (select count(*) from rome_appellations)::int as appellations,
             (select count(*) from naf_codes)::int as naf`.execute(db.admin);
    const c = counts.rows[0];
    expect(c.communes).toBeGreaterThanOrEqual(34_900);
    expect(c.located / c.communes).toBeGreaterThan(0.99);
    expect(c.rome).toBeGreaterThan(500);
    expect(c.appellations).toBeGreaterThan(10_000);
    expect(c.naf).toBe(732);
    const chamonix = await db.admin.selectFrom('communes').selectAll().where('insee_code', '=', '74056').executeTakeFirstOrThrow();
    expect(chamonix).toMatchObject({ name: 'Chamonix-Mont-Blanc', department_code: '74', postal_codes: ['74400'] });
    expect(chamonix.latitude).toBeCloseTo(45.93, 1);
  });
});
