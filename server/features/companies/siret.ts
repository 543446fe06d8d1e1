/** SIREN of La Poste: its establishments' SIRETs do not follow Luhn but "sum of digits divisible by 5". */
const LA_POSTE_SIREN = '356000000';

/** Luhn checksum over a string of digits (from the right, every second digit doubled). */
export function luhnValid(digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** "362 521 879 00034" → "36252187900034" (spaces, dots and dashes are how people copy it). */
export function normaliseSiret(input: string): string {
  return input.replace(/[\s.-]/g, '');
}

/**
 * A SIRET (14 digits) with a valid checksum: Luhn over the 14 digits, except for La Poste (SIREN
 * 356000000), whose establishments are numbered with "the sum of the 14 digits is a multiple of 5"
 * (INSEE's documented exception; its head office's SIRET passes both).
 */
export function siretValid(siret: string): boolean {
  if (!/^[0-9]{14}$/.test(siret)) return false;
  if (siret.startsWith(LA_POSTE_SIREN)) {
    const sum = [...siret].reduce((total, d) => total + Number(d), 0);
    return sum % 5 === 0 || luhnValid(siret);
  }
  return luhnValid(siret);
}
