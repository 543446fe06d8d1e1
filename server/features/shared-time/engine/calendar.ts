/**
 * The model year of the engine: 52 weeks of 7 days (364 days), day 0 = 1 January, a Monday, like the
 * 52-week profiles GEs plan with. Needs repeat every year (periods are `MM-DD` ranges), so a real
 * calendar would only shift weekdays; 31 December (day 364) is left out of the model.
 */
export const MODEL_DAYS = 364;
export const WEEKS = 52;
export const DAY_MINUTES = 1440;

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTH_STARTS = MONTH_LENGTHS.reduce<number[]>((starts, _length, i) => [...starts, i === 0 ? 0 : starts[i - 1] + MONTH_LENGTHS[i - 1]], []);

/** Weekdays as the API writes them; 0 = Monday. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;

/** `MM-DD` of a non-leap year → day of the year (0 = 1 January; 31 December = 364), or null when invalid. */
export function dayOfYear(monthDay: string): number | null {
  const match = MONTH_DAY.exec(monthDay);
  if (!match) return null;
  const month = Number(match[1]) - 1;
  const day = Number(match[2]);
  if (day > MONTH_LENGTHS[month]) return null;
  return MONTH_STARTS[month] + day - 1;
}

/** The model days of an inclusive `from`–`to` range; it wraps over the new year when `to` comes first (15 Dec–15 Apr). */
export function periodDays(from: string, to: string): number[] {
  const start = dayOfYear(from);
  const end = dayOfYear(to);
  if (start === null || end === null) return [];
  const days: number[] = [];
  const length = end >= start ? end - start + 1 : 365 - start + end + 1;
  for (let i = 0; i < length; i++) {
    const day = (start + i) % 365;
    if (day < MODEL_DAYS) days.push(day);
  }
  return days;
}

export const weekdayOf = (day: number) => day % 7;
export const weekOf = (day: number) => Math.floor(day / 7);

/** Month (0–11) of a model day. */
export function monthOf(day: number): number {
  let month = 0;
  while (month < 11 && MONTH_STARTS[month + 1] <= day) month++;
  return month;
}

/** `MM-DD` of a model day. */
export function monthDayOf(day: number): string {
  const month = monthOf(day);
  return `${String(month + 1).padStart(2, '0')}-${String(day - MONTH_STARTS[month] + 1).padStart(2, '0')}`;
}

/** Model days in each month (December has 30: the 31st is outside the model). */
export const MONTH_MODEL_DAYS = MONTH_LENGTHS.map((length, month) => (month === 11 ? length - 1 : length));

const CLOCK = /^([01][0-9]|2[0-3]):([0-5][0-9])$|^24:00$/;

/** `HH:MM` → minutes after midnight (24:00 = 1440), or null. */
export function parseClock(text: string): number | null {
  const match = CLOCK.exec(text);
  if (!match) return null;
  return match[1] === undefined ? DAY_MINUTES : Number(match[1]) * 60 + Number(match[2]);
}

export const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/**
 * Weekly slots the way planners write them: `mon-wed 05:00-12:00` (a range of days), `tue,thu
 * 08:30-17:00` (a list), with `@1` for the need's second site. Used by the demo seed and the tests.
 */
export function slotsFromSpec(...specs: string[]): { day: number; start: number; end: number; site: number }[] {
  return specs.flatMap((spec) => {
    const [days, range, at] = spec.trim().split(/\s+/);
    const [start, end] = range.split('-').map((time) => parseClock(time));
    const site = at ? Number(at.slice(1)) : 0;
    const index = (day: string) => WEEKDAYS.indexOf(day as Weekday);
    const list = days.includes('-') ? WEEKDAYS.slice(index(days.split('-')[0]), index(days.split('-')[1]) + 1) : days.split(',');
    if (start === null || end === null || list.some((day) => index(day) < 0) || !Number.isInteger(site)) throw new Error(`Créneaux illisibles : « ${spec} »`);
    return list.map((day) => ({ day: index(day), start, end, site }));
  });
}
