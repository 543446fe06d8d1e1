import { createHash } from 'node:crypto';
import type { Attribution, Contract, EndReason, HireContract } from '../../db/database.js';

/**
 * The facts of a hire as the company (or the staff) gives them, page form and API alike: null means
 * « not given » (a declared nature is never erased by leaving the field empty).
 */
export interface HireInput {
  title?: string | null;
  contract?: HireContract | null;
  weekly_hours?: number | null;
  hired_on?: string | null;
  planned_start?: string | null;
  planned_end?: string | null;
  actual_start?: string | null;
  actual_end?: string | null;
  end_reason?: EndReason | null;
  job_nature?: 'creation' | 'replacement' | null;
}

/** A hire declared without an application of the pipeline: who, where they met, which offer. */
export interface DeclaredHireInput extends HireInput {
  company_id?: string | null;
  offer_id?: string | null;
  attribution: Extract<Attribution, 'platform_contact' | 'declared_only'>;
  person_label?: string | null;
  person_email?: string | null;
}

/** Attribution levels a company may declare; the two others follow from the application itself. */
export const DECLARED_ATTRIBUTIONS = ['platform_contact', 'declared_only'] as const;

/**
 * The contract of a hire opened from an offer: the offer's own, a shared-time offer being a GE CDI;
 * an internship is no hire contract, so the company says what it signed.
 */
export function contractFromOffer(contract: Contract): HireContract | null {
  if (contract === 'shared_time') return 'cdi';
  if (contract === 'internship') return null;
  return contract;
}

/** Recognises the same person hired again (seasonal loyalty) without keeping their address. */
export function personKey(tenantId: string, email: string): string {
  return createHash('sha256').update(`${tenantId}:${email.trim().toLowerCase()}`, 'utf8').digest('hex');
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date between 2000 and 2100 (the browser's date field or the API's `YYYY-MM-DD`). */
export function validDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const date = new Date(`${value}T00:00:00Z`);
  return year >= 2000 && year <= 2100 && !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/**
 * What is wrong with a hire's facts once merged with what is stored (field → strings key), `today`
 * being the tenant's date: real dates, ends after starts, nothing that has happened yet in the future,
 * no planned end for a CDI, an end reason only with an end, 1–48 hours a week.
 */
export function hireProblems(hire: Required<HireInput>, today: string): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of ['hired_on', 'planned_start', 'planned_end', 'actual_start', 'actual_end'] as const) {
    const value = hire[field];
    if (value !== null && !validDate(value)) problems[field] = 'hires.problem.date';
  }
  const title = hire.title?.trim() ?? '';
  if (title.length < 2 || title.length > 200) problems.title = 'hires.problem.title';
  if (hire.weekly_hours !== null && !(hire.weekly_hours > 0 && hire.weekly_hours <= 48)) problems.weekly_hours = 'hires.problem.hours';
  if (!problems.hired_on && hire.hired_on && hire.hired_on > today) problems.hired_on = 'hires.problem.future';
  if (!problems.actual_start && hire.actual_start && hire.actual_start > today) problems.actual_start = 'hires.problem.future';
  if (!problems.actual_end && hire.actual_end && hire.actual_end > today) problems.actual_end = 'hires.problem.future';
  if (!problems.planned_end && hire.planned_end && hire.planned_start && hire.planned_end < hire.planned_start) problems.planned_end = 'hires.problem.endBeforeStart';
  if (!problems.actual_end && hire.actual_end && hire.actual_start && hire.actual_end < hire.actual_start) problems.actual_end = 'hires.problem.endBeforeStart';
  if (hire.contract === 'cdi' && hire.planned_end) problems.planned_end = 'hires.problem.cdiEnd';
  if (hire.end_reason && !hire.actual_end) problems.end_reason = 'hires.problem.reasonWithoutEnd';
  return problems;
}
