import type { FieldRow, FormatName, OfferField } from '../../../offer-fields/field-map.js';
import {
  CONTRACT_TERMS,
  EXPERIENCE_TERMS,
  HOUSING_TERMS,
  SALARY_UNIT_TERMS,
  WORKING_TIME_TERMS,
  type Experience,
  type HousingTerm,
  type SalaryUnit,
  type WorkingTime,
} from '../../../offer-fields/vocabulary.js';
import type { Contract } from '../../../db/database.js';

/** An offer as the writers see it: board values (and a few derived ones) named by the field map. */
export type ExportValues = Partial<Record<OfferField, string | number | boolean | Date | null>>;

/** Largest weekly hours France Travail's partner file takes (its column is 0–35). */
export const PARTNER_MAX_HOURS = 35;

const parisDate = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** DD/MM/YYYY, the partner file's dates (a timestamp is read on the Paris clock). */
export function frenchDate(value: string | Date): string {
  if (value instanceof Date) return parisDate.format(value);
  const [y, m, d] = value.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

const isoDay = (value: string | Date) => (value instanceof Date ? value.toISOString().slice(0, 10) : value.slice(0, 10));

const euros = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

/** « 1 850 – 2 100 € par mois »: the aggregator feed's salary text, read back by parseSalaryText. */
export function salaryText(min: number | null, max: number | null, unit: SalaryUnit | null): string {
  if (min === null && max === null) return '';
  const amount = min !== null && max !== null && max !== min ? `${euros.format(min)} – ${euros.format(max)} €` : `${euros.format((min ?? max)!)} €`;
  return unit ? `${amount} ${SALARY_UNIT_TERMS[unit].text}` : amount;
}

/** Weekly hours as the partner file splits them: whole hours (at most 35) and minutes. */
export function splitHours(hours: number): [number, number] {
  const capped = Math.min(hours, PARTNER_MAX_HOURS);
  const whole = Math.floor(capped);
  return [whole, Math.round((capped - whole) * 60)];
}

/**
 * One field of an offer in one format's notation. Returns the column values for the partner file's
 * two-column fields, '' for nothing.
 */
export function formatValue(row: FieldRow, format: FormatName, values: ExportValues): string | [string, string] {
  const value = values[row.field];
  const empty = value === null || value === undefined || value === '';
  switch (row.kind) {
    case 'hours': {
      if (format === 'partnerFile') {
        if (empty) return ['', ''];
        return splitHours(Number(value)).map(String) as [string, string];
      }
      return empty ? '' : String(value);
    }
    case 'licence': {
      if (format === 'partnerFile') return value === true ? ['B', 'E'] : ['', ''];
      return value === true ? 'oui' : 'non';
    }
    case 'salary_text':
      return salaryText((values.salary_min as number | null) ?? null, (values.salary_max as number | null) ?? null, (values.salary_unit as SalaryUnit | null) ?? null);
  }
  if (empty) return '';
  switch (row.kind) {
    case 'date':
      return format === 'partnerFile' ? frenchDate(value as string | Date) : isoDay(value as string | Date);
    case 'datetime': {
      const date = value instanceof Date ? value : new Date(String(value));
      if (format === 'partnerFile') return frenchDate(date);
      return format === 'xml' ? date.toUTCString() : date.toISOString();
    }
    case 'boolean':
      return format === 'partnerFile' ? (value ? 'O' : 'N') : value ? 'oui' : 'non';
    case 'contract': {
      const terms = CONTRACT_TERMS[value as Contract];
      if (format === 'partnerFile') return terms.franceTravail?.type ?? '';
      return format === 'xml' ? terms.xml : String(value);
    }
    case 'contract_nature':
      return CONTRACT_TERMS[value as Contract].franceTravail?.nature ?? '';
    case 'working_time':
      return format === 'schemaOrg' ? WORKING_TIME_TERMS[value as WorkingTime].schemaOrg : WORKING_TIME_TERMS[value as WorkingTime].csv;
    case 'salary_unit':
      return format === 'partnerFile' ? SALARY_UNIT_TERMS[value as SalaryUnit].franceTravail : SALARY_UNIT_TERMS[value as SalaryUnit].schemaOrg;
    case 'experience': {
      const terms = EXPERIENCE_TERMS[value as Experience];
      if (format === 'partnerFile') return terms.franceTravail;
      return format === 'schemaOrg' ? String(terms.months) : terms.csv;
    }
    case 'housing':
      return HOUSING_TERMS[value as HousingTerm].csv;
    case 'country':
      return format === 'partnerFile' ? 'France' : 'FR';
    case 'number':
    case 'integer':
      return String(value);
    default:
      return value instanceof Date ? value.toISOString() : String(value);
  }
}

/** The length of a contract from its YYYY-MM-DD dates in months (rounded, at least 1): the partner file's duration. */
export function monthsBetween(start: string, end: string): number {
  const days = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000;
  return Math.max(1, Math.round(days / 30.44));
}
