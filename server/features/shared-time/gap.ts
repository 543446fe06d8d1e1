import type { Combination } from './engine/types.js';
import type { Translate } from './reasons.js';

/**
 * A ROME label in one gender, for running text: « Conducteur / Conductrice de ligne en industrie
 * alimentaire » → « Conducteur de ligne en industrie alimentaire » (the masculine words, then what
 * follows the feminine ones).
 */
export function tradeName(label: string): string {
  const [masculine, feminine] = label.split(' / ');
  if (!feminine) return label;
  const rest = feminine.split(' ').slice(masculine.split(' ').length).join(' ');
  return rest ? `${masculine} ${rest}` : masculine;
}

/** The French summary of a gap card: how much, when, where, which trades. */
export function gapSummary(combination: Combination, t: Translate): string {
  const gap = combination.gap!;
  const parts = [t(gap.per === 'week' ? 'sharedTime.gap.missingWeek' : 'sharedTime.gap.missingYear', { hours: String(gap.missingHours).replace('.', ',') })];
  if (gap.freeDays.length > 0) parts.push(t('sharedTime.gap.freeDays', { days: gap.freeDays.map((d) => t(`sharedTime.day.${d}`)).join(', ') }));
  if (gap.freeMonths.length > 0) parts.push(t('sharedTime.gap.freeMonths', { months: gap.freeMonths.map((m) => t(`sharedTime.month.${m}`)).join(', ') }));
  parts.push(t('sharedTime.gap.zone', { minutes: gap.zone.minutes, site: gap.zone.siteName }));
  if (gap.trades.length > 0) parts.push(t('sharedTime.gap.trades', { trades: gap.trades.map((tr) => tradeName(tr.label)).join(' ou ') }));
  return parts.join(' ; ');
}
