import { clock } from './engine/calendar.js';
import type { Reason } from './engine/types.js';

export type Translate = (key: string, params?: Record<string, unknown>) => string;

const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

const DAY_PARAMS = new Set(['day', 'dropDay']);
const CLOCK_PARAMS = new Set(['start', 'end', 'aStart', 'aEnd', 'bStart', 'bEnd', 'dropStart', 'dropEnd']);

/** `MM-DD` → « 15 octobre ». */
export function monthDayText(monthDay: string, t: Translate): string {
  const [month, day] = monthDay.split('-').map(Number);
  return `${day === 1 ? '1er' : day} ${t(`sharedTime.month.${month - 1}`)}`;
}

/**
 * A reason of the engine in French, from the strings file (`sharedTime.reason.<code>`): weekdays by
 * name, minutes as clock times, hours with a decimal comma, licence codes by their labels.
 */
export function reasonText(reason: Reason, t: Translate): string {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(reason.params)) {
    if (DAY_PARAMS.has(key)) params[key] = t(`sharedTime.day.${value}`);
    else if (CLOCK_PARAMS.has(key)) params[key] = clock(Number(value));
    else if (key === 'weekStart') params[key] = monthDayText(String(value), t);
    else if (key === 'list') params[key] = String(value).split(', ').map((code) => t(`sharedTime.licence.${code}`)).join(', ');
    else params[key] = typeof value === 'number' ? decimal.format(value) : value;
  }
  const text = t(`sharedTime.reason.${reason.code}`, params);
  return reason.code === 'weeklyOverMax' && 'dropDay' in reason.params ? `${text} ; ${t('sharedTime.reason.dropSuggestion', params)}` : text;
}
