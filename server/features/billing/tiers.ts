import type { MembershipTier, TenantConfig } from '../../tenancy/tenant-config.js';

export type TierMembership = Extract<TenantConfig['membership'], { mode: 'tiers' }>;

/**
 * The tier of a declared headcount. The grid is validated at load (contiguous, first band from 0 or 1,
 * last band open), so every headcount ≥ 0 falls in exactly one band; an unknown headcount (null) is
 * billed as the smallest band until the company declares it.
 */
export function tierForHeadcount(grid: TierMembership, headcount: number | null): MembershipTier {
  const count = headcount ?? 0;
  return grid.tiers.find((t) => count >= t.minHeadcount && (t.maxHeadcount === null || count <= t.maxHeadcount)) ?? grid.tiers[0];
}

export function tierByCode(grid: TierMembership, code: string): MembershipTier | undefined {
  return grid.tiers.find((t) => t.code === code);
}
