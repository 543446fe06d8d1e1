import { describe, expect, it } from 'vitest';
import { ageOn, birthDateProblem, instantAt, isMinor, needsParentalConsent, quietHoursEnd } from '../../../server/youth/age.js';

const PARIS = 'Europe/Paris';

describe('age rules (clock injected, tenant time zone)', () => {
  it('counts the birthday on its day, in the tenant’s time zone', () => {
    // 23:30 UTC on 31 March is already 1 April in Paris (UTC+2).
    expect(ageOn('2010-04-01', new Date('2028-03-31T21:59:00Z'), PARIS)).toBe(17);
    expect(ageOn('2010-04-01', new Date('2028-03-31T22:00:00Z'), PARIS)).toBe(18);
    expect(isMinor('2010-04-01', new Date('2028-03-31T21:59:00Z'), PARIS)).toBe(true);
    expect(isMinor('2010-04-01', new Date('2028-03-31T22:00:00Z'), PARIS)).toBe(false);
    // Born on 29 February: a year later they are 1 on 1 March.
    expect(ageOn('2012-02-29', new Date('2013-02-28T12:00:00Z'), PARIS)).toBe(0);
    expect(ageOn('2012-02-29', new Date('2013-03-01T12:00:00Z'), PARIS)).toBe(1);
  });

  it('asks a parent under 15 only; an unknown birth date is no minor', () => {
    const now = new Date('2030-06-15T10:00:00Z');
    expect(needsParentalConsent('2015-06-16', now, PARIS)).toBe(true);
    expect(needsParentalConsent('2015-06-15', now, PARIS)).toBe(false);
    expect(isMinor(null, now, PARIS)).toBe(false);
    expect(needsParentalConsent(undefined, now, PARIS)).toBe(false);
  });

  it('refuses impossible or implausible birth dates at sign-up', () => {
    const now = new Date('2030-06-15T10:00:00Z');
    expect(birthDateProblem('2010-02-30', now, PARIS)).toBe('invalid');
    expect(birthDateProblem('15/06/2010', now, PARIS)).toBe('invalid');
    expect(birthDateProblem('2018-01-01', now, PARIS)).toBe('tooYoung');
    expect(birthDateProblem('1900-01-02', now, PARIS)).toBe('tooOld');
    expect(birthDateProblem('2012-06-15', now, PARIS)).toBeUndefined();
  });

  it('quiet hours: 21:00–08:00 local, ending at 08:00 the same or the next morning, across DST', () => {
    // Winter (UTC+1): 20:59 is outside, 21:00 inside until 08:00 = 07:00 UTC the next day.
    expect(quietHoursEnd(new Date('2031-01-15T19:59:00Z'), PARIS)).toBeUndefined();
    expect(quietHoursEnd(new Date('2031-01-15T20:00:00Z'), PARIS)).toEqual(new Date('2031-01-16T07:00:00Z'));
    expect(quietHoursEnd(new Date('2031-01-16T06:59:00Z'), PARIS)).toEqual(new Date('2031-01-16T07:00:00Z'));
    expect(quietHoursEnd(new Date('2031-01-16T07:00:00Z'), PARIS)).toBeUndefined();
    // Summer (UTC+2).
    expect(quietHoursEnd(new Date('2031-07-10T19:00:00Z'), PARIS)).toEqual(new Date('2031-07-11T06:00:00Z'));
    // The night the clocks go forward (30 March 2031, 02:00 → 03:00): 08:00 is still 06:00 UTC.
    expect(quietHoursEnd(new Date('2031-03-29T22:00:00Z'), PARIS)).toEqual(new Date('2031-03-30T06:00:00Z'));
    // …and back (26 October 2031): 08:00 is 07:00 UTC.
    expect(quietHoursEnd(new Date('2031-10-26T01:30:00Z'), PARIS)).toEqual(new Date('2031-10-26T07:00:00Z'));
  });

  it('turns a wall-clock time of the tenant into an instant', () => {
    expect(instantAt({ year: 2027, month: 3, day: 2 }, 14, PARIS, 30)).toEqual(new Date('2027-03-02T13:30:00Z'));
    expect(instantAt({ year: 2027, month: 7, day: 2 }, 14, PARIS, 30)).toEqual(new Date('2027-07-02T12:30:00Z'));
  });
});
