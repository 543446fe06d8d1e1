import { describe, expect, it } from 'vitest';
import { DIJON, MONTAGNE } from '../helpers/app.js';
import { pageTemplates, PAGE_VISITS } from '../helpers/page-inventory.js';

const HOSTS: Record<string, string> = { montagne: MONTAGNE, dijon: DIJON };

describe('the accessibility suites’ page inventory (test/helpers/page-inventory.ts)', () => {
  it('visits every page template of the base theme', () => {
    const visited = new Set(PAGE_VISITS.map((v) => v.template));
    expect(pageTemplates().base.filter((template) => !visited.has(template))).toEqual([]);
  });

  it('visits every page a tenant overrides or adds, on that tenant’s host', () => {
    const { overrides } = pageTemplates();
    expect(overrides.length).toBeGreaterThan(0);
    for (const { tenant, template } of overrides) {
      expect(PAGE_VISITS.some((v) => v.template === template && v.host === HOSTS[tenant]), `${tenant}: ${template}`).toBe(true);
    }
  });

  it('names only templates that exist', () => {
    const { base, overrides } = pageTemplates();
    const known = new Set([...base, ...overrides.map((o) => o.template)]);
    expect(PAGE_VISITS.map((v) => v.template).filter((t) => !known.has(t))).toEqual([]);
  });
});
