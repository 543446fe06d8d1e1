import type { SALARY_UNITS } from '../../db/database.js';

export type SalaryUnit = (typeof SALARY_UNITS)[number];

/** What cards need of the tenant's theme: its strings (the unit words are the tenant's to change). */
export interface CardWording {
  t(key: string, params?: Record<string, unknown>): string;
}

const twoDecimals = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const upToTwoDecimals = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const oneDecimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** Hourly pay always with its cents (12,30 €); larger amounts without when they are whole (1 850 €). */
function euros(amount: number, unit: SalaryUnit | null): string {
  return unit === 'hour' || !Number.isInteger(amount) ? twoDecimals.format(amount) : upToTwoDecimals.format(amount);
}

/**
 * Pay as French boards write it: "12,30–13,80 € brut/h", "1 850 € brut/mois", "jusqu’à 2 100 € brut/mois";
 * null when the offer gives no figure. No-break spaces keep amount, € and unit together.
 */
export function formatSalary(salary: { min: number | null; max: number | null; unit: SalaryUnit | null }, wording: CardWording): string | null {
  const { min, max, unit } = salary;
  if (min === null && max === null) return null;
  const suffix = unit ? `\u00a0${wording.t(`salaryUnit.short.${unit}`)}` : '';
  if (min !== null && max !== null && max !== min) return `${euros(min, unit)}–${euros(max, unit)}\u00a0€${suffix}`;
  if (min !== null) return `${euros(min, unit)}\u00a0€${suffix}`;
  return wording.t('salary.upTo', { amount: `${euros(max!, unit)}\u00a0€${suffix}` });
}

/** "35 h/sem." (decimals the French way). */
export function formatHours(hours: number | null, wording: CardWording): string | null {
  return hours === null ? null : wording.t('offer.hoursShort', { hours: oneDecimal.format(hours) });
}

/** "à 6,2 km". */
export function formatDistance(km: number | undefined, wording: CardWording): string | null {
  return km === undefined ? null : wording.t('search.distance', { km: oneDecimal.format(km) });
}

