import type { ApplicationStatus } from '../../db/database.js';

/**
 * The application pipeline as data: which status may follow which, used by the service and the tests.
 * "viewed" is set by the app when an employer first opens a new application; "hired" is final (it is
 * what the funders' reports count); a rejection may be reconsidered. "unanswered" is set by the app
 * alone (a recommended application left without an answer, see recommended.ts); a late answer is
 * still possible.
 */
export const APPLICATION_TRANSITIONS: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  new: ['viewed', 'shortlisted', 'interview', 'hired', 'rejected'],
  viewed: ['shortlisted', 'interview', 'hired', 'rejected'],
  shortlisted: ['interview', 'hired', 'rejected'],
  interview: ['shortlisted', 'hired', 'rejected'],
  hired: [],
  rejected: ['shortlisted'],
  unanswered: ['shortlisted', 'interview', 'hired', 'rejected'],
};

/** Statuses that close an application: its thread becomes read-only and, later, its attachments go. */
export const FINAL_STATUSES: readonly ApplicationStatus[] = ['hired', 'rejected', 'unanswered'];

/** What counts as the employer's answer (besides a message in the application's thread). */
export const ANSWER_STATUSES: readonly ApplicationStatus[] = ['shortlisted', 'interview', 'hired', 'rejected'];

/** Statuses the candidate is told about by e-mail (each has its template `application-<status>`). */
export const NOTIFIED_STATUSES: readonly ApplicationStatus[] = ['shortlisted', 'interview', 'hired', 'rejected'];

export function canMove(from: ApplicationStatus, to: ApplicationStatus): boolean {
  return APPLICATION_TRANSITIONS[from].includes(to);
}
