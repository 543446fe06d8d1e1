import type { ApplicationStatus } from '../../db/database.js';

/**
 * The application pipeline as data: which status may follow which, used by the service and the tests.
 * "viewed" is set by the app when an employer first opens a new application; "hired" is final (it is
 * what the funders' reports count); a rejection may be reconsidered.
 */
export const APPLICATION_TRANSITIONS: Record<ApplicationStatus, readonly ApplicationStatus[]> = {
  new: ['viewed', 'shortlisted', 'interview', 'hired', 'rejected'],
  viewed: ['shortlisted', 'interview', 'hired', 'rejected'],
  shortlisted: ['interview', 'hired', 'rejected'],
  interview: ['shortlisted', 'hired', 'rejected'],
  hired: [],
  rejected: ['shortlisted'],
};

/** Statuses the candidate is told about by e-mail (each has its template `application-<status>`). */
export const NOTIFIED_STATUSES: readonly ApplicationStatus[] = ['shortlisted', 'interview', 'hired', 'rejected'];

export function canMove(from: ApplicationStatus, to: ApplicationStatus): boolean {
  return APPLICATION_TRANSITIONS[from].includes(to);
}
