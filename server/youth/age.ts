/**
 * The rules that protect minors on youth boards, as pure functions of a birth date and an injected
 * clock (`now`), in the tenant's time zone. Used by sign-up, the messaging, the CV bank, applications
 * (contact details masked to companies) and the notifications (quiet hours).
 *
 * Figures: majority at 18; under 15 a parent consents jointly to consent-based features (loi
 * Informatique et Libertés art. 45, CNIL); no e-mail to a minor between 21:00 and 08:00.
 */

export const MAJORITY_AGE = 18;
export const PARENTAL_CONSENT_AGE = 15;
/** Youngest age accepted at sign-up on a youth board. */
export const MIN_SIGN_UP_AGE = 13;
export const OLDEST_SIGN_UP_AGE = 100;
export const QUIET_HOURS = { from: 21, until: 8 } as const;

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date and time of an instant in a time zone. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute) };
}

/** `YYYY-MM-DD` of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const t = localTime(instant, timeZone);
  return `${t.year}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
}

/** The instant at which the wall clock of `timeZone` shows this date and time (in a DST gap: the hour after). */
export function instantAt(date: { year: number; month: number; day: number }, hour: number, timeZone: string, minute = 0): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // Shift by the zone's offset at that time, then once more in case the offset differs there.
  let instant = guess;
  for (let i = 0; i < 2; i++) {
    const seen = localTime(new Date(instant), timeZone);
    const seenUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    instant += guess - seenUtc;
  }
  return new Date(instant);
}

/** Whole years between a birth date (`YYYY-MM-DD`) and the local date of `now`; the birthday counts on its day. */
export function ageOn(birthDate: string, now: Date, timeZone: string): number {
  const [year, month, day] = birthDate.split('-').map(Number);
  const today = localTime(now, timeZone);
  const hadBirthday = today.month > month || (today.month === month && today.day >= day);
  return today.year - year - (hadBirthday ? 0 : 1);
}

/** Under 18 on `now`. Unknown birth date (boards without the question): not treated as a minor. */
export function isMinor(birthDate: string | null | undefined, now: Date, timeZone: string): boolean {
  return birthDate ? ageOn(birthDate, now, timeZone) < MAJORITY_AGE : false;
}

/** Under 15 on `now`: consent-based features wait for a parent's consent. */
export function needsParentalConsent(birthDate: string | null | undefined, now: Date, timeZone: string): boolean {
  return birthDate ? ageOn(birthDate, now, timeZone) < PARENTAL_CONSENT_AGE : false;
}

/**
 * Within quiet hours (21:00–08:00 local), the instant they end (08:00 the same or the next morning);
 * undefined outside them.
 */
export function quietHoursEnd(now: Date, timeZone: string): Date | undefined {
  const local = localTime(now, timeZone);
  if (local.hour >= QUIET_HOURS.until && local.hour < QUIET_HOURS.from) return undefined;
  const day = local.hour < QUIET_HOURS.until ? local : nextDay(local);
  return instantAt(day, QUIET_HOURS.until, timeZone);
}

function nextDay(date: { year: number; month: number; day: number }) {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

/** Why a birth date typed at sign-up is refused (a strings key suffix), or undefined when it is fine. */
export function birthDateProblem(birthDate: string, now: Date, timeZone: string): 'invalid' | 'tooYoung' | 'tooOld' | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) return 'invalid';
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return 'invalid';
  const age = ageOn(birthDate, now, timeZone);
  if (age < MIN_SIGN_UP_AGE) return 'tooYoung';
  if (age > OLDEST_SIGN_UP_AGE) return 'tooOld';
  return undefined;
}
