import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tierForHeadcount, type TierMembership } from '../../../server/features/billing/tiers.js';
import { TENANTS_DIR } from '../../helpers/tenant-fixtures.js';

const grid = JSON.parse(readFileSync(path.join(TENANTS_DIR, 'montagne/tenant.json'), 'utf8')).membership as TierMembership;

describe('tier from headcount (montagne grid: 600 / 1 200 / 2 400 / 4 000 €)', () => {
  it.each([
    [null, 'tpe', 60000],
    [0, 'tpe', 60000],
    [1, 'tpe', 60000],
    [9, 'tpe', 60000],
    [10, 'pe', 120000],
    [49, 'pe', 120000],
    [50, 'me', 240000],
    [249, 'me', 240000],
    [250, 'ge', 400000],
    [12000, 'ge', 400000],
  ])('%s employees → %s (%i cents a year)', (headcount, code, cents) => {
    const tier = tierForHeadcount(grid, headcount);
    expect(tier.code).toBe(code);
    expect(tier.yearlyPriceCents).toBe(cents);
  });
});
