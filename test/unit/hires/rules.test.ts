import { describe, expect, it } from 'vitest';
import { contractFromOffer, hireProblems, personKey, validDate, type HireInput } from '../../../server/features/hires/rules.js';

const base: Required<HireInput> = {
  title: 'Perchman',
  contract: 'seasonal',
  weekly_hours: 35,
  hired_on: '2026-11-20',
  planned_start: '2026-12-12',
  planned_end: '2027-04-18',
  actual_start: null,
  actual_end: null,
  end_reason: null,
  job_nature: null,
};

describe('the facts of a hire', () => {
  it('accepts a coherent hire, a planned start after today included', () => {
    expect(hireProblems(base, '2026-12-01')).toEqual({});
  });

  it('names each wrong field: impossible dates, ends before starts, facts in the future, a CDI with an end, a reason without an end', () => {
    expect(hireProblems({ ...base, hired_on: '2026-02-30', planned_start: '20261212' }, '2026-12-01')).toEqual({ hired_on: 'hires.problem.date', planned_start: 'hires.problem.date' });
    expect(hireProblems({ ...base, planned_end: '2026-12-01' }, '2026-12-01')).toEqual({ planned_end: 'hires.problem.endBeforeStart' });
    expect(hireProblems({ ...base, hired_on: '2026-12-02', actual_start: '2026-12-03' }, '2026-12-01')).toEqual({ hired_on: 'hires.problem.future', actual_start: 'hires.problem.future' });
    expect(hireProblems({ ...base, contract: 'cdi' }, '2026-12-01')).toEqual({ planned_end: 'hires.problem.cdiEnd' });
    expect(hireProblems({ ...base, end_reason: 'resignation' }, '2026-12-01')).toEqual({ end_reason: 'hires.problem.reasonWithoutEnd' });
    expect(hireProblems({ ...base, weekly_hours: 50, title: ' ' }, '2026-12-01')).toEqual({ weekly_hours: 'hires.problem.hours', title: 'hires.problem.title' });
    expect(hireProblems({ ...base, actual_start: '2026-11-25', actual_end: '2026-11-24' }, '2026-12-01')).toEqual({ actual_end: 'hires.problem.endBeforeStart' });
  });

  it('takes a shared-time offer for a GE CDI and gives an internship no contract', () => {
    expect(contractFromOffer('shared_time')).toBe('cdi');
    expect(contractFromOffer('internship')).toBeNull();
    expect(contractFromOffer('seasonal')).toBe('seasonal');
  });

  it('recognises a person by the fingerprint of the address, whatever its case or spaces, and per board', () => {
    expect(personKey('montagne', ' Lea.Martin@Example.org ')).toBe(personKey('montagne', 'lea.martin@example.org'));
    expect(personKey('montagne', 'lea.martin@example.org')).not.toBe(personKey('dijon', 'lea.martin@example.org'));
    expect(personKey('montagne', 'lea.martin@example.org')).toMatch(/^[0-9a-f]{64}$/);
    expect(['2028-02-29', '2027-02-29', '1999-01-01'].map(validDate)).toEqual([true, false, false]);
  });
});
