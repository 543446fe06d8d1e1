import { describe, expect, it } from 'vitest';
import { luhnValid, normaliseSiret, siretValid } from '../../server/features/companies/siret.js';

describe('SIRET checksum', () => {
  it('accepts SIRETs whose 14 digits pass Luhn', () => {
    for (const siret of ['73282932000074', '44306184100047', '35600000000048']) expect(siretValid(siret), siret).toBe(true);
  });

  it('refuses a wrong digit, a wrong length and non-digits', () => {
    for (const siret of ['73282932000075', '7328293200007', '732829320000740', '7328293200007A', '']) expect(siretValid(siret), siret).toBe(false);
  });

  it('accepts La Poste establishments (SIREN 356000000) whose digits add up to a multiple of 5, even without Luhn', () => {
    expect(luhnValid('35600000049837')).toBe(false);
    expect(siretValid('35600000049837')).toBe(true);
    // The exception is La Poste's only: the same rule elsewhere is still refused.
    expect(luhnValid('12345678900000')).toBe(false);
    expect(siretValid('12345678900000')).toBe(false);
    // A La Poste number that fits neither rule is refused.
    expect(siretValid('35600000049838')).toBe(false);
  });

  it('reads the number as people copy it', () => {
    expect(normaliseSiret('732 829 320 00074')).toBe('73282932000074');
    expect(normaliseSiret('732.829.320-00074')).toBe('73282932000074');
  });
});
