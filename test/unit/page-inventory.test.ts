import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accountOf, DEMO_ACCOUNTS, pageTemplates, PAGE_VISITS, TENANT_HOSTS } from '../helpers/page-inventory.js';
import { ROOT } from '../helpers/tenant-fixtures.js';

describe('the accessibility suites’ page inventory (test/helpers/page-inventory.ts)', () => {
  it('visits every page template of the base theme', () => {
    const visited = new Set(PAGE_VISITS.map((v) => v.template));
    expect(pageTemplates().base.filter((template) => !visited.has(template))).toEqual([]);
  });

  it('visits every page a tenant overrides or adds, on that tenant’s host', () => {
    const { overrides } = pageTemplates();
    expect(overrides.length).toBeGreaterThan(0);
    for (const { tenant, template } of overrides) {
      expect(PAGE_VISITS.some((v) => v.template === template && v.host === TENANT_HOSTS[tenant]), `${tenant}: ${template}`).toBe(true);
    }
  });

  it('names only templates that exist', () => {
    const { base, overrides } = pageTemplates();
    const known = new Set([...base, ...overrides.map((o) => o.template)]);
    expect(PAGE_VISITS.map((v) => v.template).filter((t) => !known.has(t))).toEqual([]);
  });

  it('visits only the tenants’ hosts, each signed-in visit with a demo account of its host', () => {
    const hosts = new Set(Object.values(TENANT_HOSTS));
    expect(PAGE_VISITS.filter((v) => !hosts.has(v.host)).map((v) => `${v.host} ${v.template}`)).toEqual([]);
    const missing = PAGE_VISITS.filter((v) => v.role !== 'visitor' && !DEMO_ACCOUNTS[v.host]?.[v.role]).map((v) => `${v.role}@${v.host} ${v.template}`);
    expect(missing).toEqual([]);
    expect(() => accountOf('counsellor', TENANT_HOSTS.montagne)).toThrow('no demo counsellor account on montagne.localhost');
  });

  it('signs in with the accounts the README’s demo table lists, on their board', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('**Demo accounts**'), readme.indexOf('## Company space'));
    // Rows: | montagne (http://…) | `admin@montagne.demo` | … — a board's later rows give only its name.
    const listed = [...table.matchAll(/^\| (\S+)[^|]*\| `([^`]+)` \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    const used = Object.entries(TENANT_HOSTS).flatMap(([tenant, host]) => Object.values(DEMO_ACCOUNTS[host] ?? {}).map((email) => `${tenant} ${email}`));
    expect(used.length).toBe(10);
    expect(used.filter((account) => !listed.includes(account))).toEqual([]);
  });
});
