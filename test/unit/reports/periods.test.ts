import { describe, expect, it } from 'vitest';
import { addDays, addMonths, dayRange, daysBetween } from '../../../server/calendar.js';
import { parsePeriod, periodChoices, periodContaining, periodLabel, previousPeriod, reportDay, sameLastYear } from '../../../server/features/reports/periods.js';

describe('reporting periods', () => {
  it('reads years, quarters, months and, on seasonal boards, winters (December–April) and summers (May–November)', () => {
    expect(parsePeriod('2026', false)).toEqual({ id: '2026', kind: 'year', start: '2026-01-01', end: '2027-01-01' });
    expect(parsePeriod('2026-T4', false)).toEqual({ id: '2026-T4', kind: 'quarter', start: '2026-10-01', end: '2027-01-01' });
    expect(parsePeriod('2026-T2', false)).toMatchObject({ start: '2026-04-01', end: '2026-07-01' });
    expect(parsePeriod('2026-12', false)).toEqual({ id: '2026-12', kind: 'month', start: '2026-12-01', end: '2027-01-01' });
    expect(parsePeriod('hiver-2025-2026', true)).toEqual({ id: 'hiver-2025-2026', kind: 'winter', start: '2025-12-01', end: '2026-05-01' });
    expect(parsePeriod('ete-2026', true)).toEqual({ id: 'ete-2026', kind: 'summer', start: '2026-05-01', end: '2026-12-01' });
  });

  it('refuses what is not a period: seasons on other boards, impossible months, winters that are not consecutive years', () => {
    for (const id of ['hiver-2025-2026', 'ete-2026']) expect(parsePeriod(id, false)).toBeUndefined();
    for (const id of ['2026-13', '2026-00', '2026-T5', 'hiver-2025-2027', '1999', '26', '2026-3', '']) expect(parsePeriod(id, true), id).toBeUndefined();
  });

  it('finds the season of a day on both sides of its borders', () => {
    expect(periodContaining('winter', '2026-12-01').id).toBe('hiver-2026-2027');
    expect(periodContaining('winter', '2027-04-30').id).toBe('hiver-2026-2027');
    expect(periodContaining('winter', '2027-05-01').id).toBe('hiver-2027-2028');
    expect(periodContaining('summer', '2026-11-30').id).toBe('ete-2026');
    expect(periodContaining('summer', '2026-12-01').id).toBe('ete-2027');
    expect(periodContaining('quarter', '2026-09-30').id).toBe('2026-T3');
  });

  it('goes back a period, a season being compared with the same season a year earlier', () => {
    expect(previousPeriod(parsePeriod('2026-01', false)!).id).toBe('2025-12');
    expect(previousPeriod(parsePeriod('2026-T1', false)!).id).toBe('2025-T4');
    expect(previousPeriod(parsePeriod('hiver-2025-2026', true)!).id).toBe('hiver-2024-2025');
    expect(sameLastYear(parsePeriod('ete-2026', true)!).id).toBe('ete-2025');
    expect(sameLastYear(parsePeriod('2028-02', false)!).id).toBe('2027-02');
  });

  it('stops a running period at today, and has nothing to show before it starts', () => {
    const year = parsePeriod('2026', false)!;
    expect(reportDay(year, '2026-05-14')).toBe('2026-05-14');
    expect(reportDay(year, '2027-03-01')).toBe('2026-12-31');
    expect(reportDay(year, '2025-12-31')).toBeUndefined();
  });

  it('labels periods in French and offers the recent ones, most recent first, seasons only where asked', () => {
    expect(['2026', '2026-T1', '2026-T3', '2026-03', 'hiver-2025-2026', 'ete-2026'].map((id) => periodLabel(parsePeriod(id, true)!))).toEqual([
      '2026',
      '1er trimestre 2026',
      '3e trimestre 2026',
      'mars 2026',
      'hiver 2025-2026',
      'été 2026',
    ]);
    const choices = periodChoices('2026-07-15', true);
    expect(choices.map((c) => c.kind)).toEqual(['year', 'quarter', 'month', 'winter', 'summer']);
    expect(choices[0].periods.map((p) => p.id)).toEqual(['2026', '2025', '2024', '2023']);
    expect(choices[3].periods.map((p) => p.id)).toEqual(['hiver-2025-2026', 'hiver-2024-2025', 'hiver-2023-2024', 'hiver-2022-2023']);
    expect(choices[4].periods[0].id).toBe('ete-2026');
    expect(periodChoices('2026-12-10', true)[4].periods[0].id).toBe('ete-2026');
    expect(periodChoices('2026-07-15', false).map((c) => c.kind)).toEqual(['year', 'quarter', 'month']);
  });
});

describe('calendar days', () => {
  it('adds days and months as PostgreSQL does (a short month keeps its last day), across daylight-saving changes', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28');
    expect(addMonths('2026-03-15', -12)).toBe('2025-03-15');
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(dayRange('2026-10-24', '2026-10-27')).toEqual(['2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27']);
    expect(daysBetween('2026-12-31', '2027-01-02')).toBe(2);
  });
});
