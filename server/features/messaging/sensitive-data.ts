/**
 * A non-blocking warning before a message goes out: does it look like it carries a French social
 * security number (NIR, with its key) or a bank account number (IBAN)? Both are checked by their
 * check digits, so a phone number or an order reference does not trigger the warning.
 */

export type SensitiveKind = 'nir' | 'iban';

// Sex (1, 2; 3, 4, 7, 8 for temporary numbers), year, month, département (2A/2B for Corsica),
// commune, order number, key; spaces, dots or hyphens allowed between the groups.
const NIR = /(?<![\dA-Za-z])([1-478])[ .-]?(\d{2})[ .-]?(\d{2})[ .-]?(\d{2}|2[ABab])[ .-]?(\d{3})[ .-]?(\d{3})[ .-]?(\d{2})(?!\d)/g;
// Upper case, as banks print it, in groups of four or in one block.
const IBAN = /(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30})(?![A-Za-z0-9])/g;

/** The NIR's key: 97 minus the 13-digit number modulo 97 (2A counts as 19, 2B as 18). */
export function nirKeyValid(groups: string[]): boolean {
  const [sex, year, month, department, commune, order, key] = groups;
  const monthNumber = Number(month);
  if (!((monthNumber >= 1 && monthNumber <= 12) || (monthNumber >= 20 && monthNumber <= 42) || monthNumber >= 50)) return false;
  const dept = department.toUpperCase();
  const digits = `${sex}${year}${month}${dept === '2A' ? '19' : dept === '2B' ? '18' : dept}${commune}${order}`;
  return 97 - Number(BigInt(digits) % 97n) === Number(key);
}

/** ISO 13616: the country code and check digits moved to the end, letters as 10–35, modulo 97 is 1. */
export function ibanValid(raw: string): boolean {
  const iban = raw.replace(/ /g, '').toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  const numeric = rearranged.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  return BigInt(numeric) % 97n === 1n;
}

/** What sensitive data a message seems to contain (empty when none). */
export function sensitiveData(text: string): SensitiveKind[] {
  const found: SensitiveKind[] = [];
  for (const match of text.matchAll(NIR)) {
    if (nirKeyValid(match.slice(1))) {
      found.push('nir');
      break;
    }
  }
  for (const match of text.matchAll(IBAN)) {
    // The pattern may swallow a following word in capitals: try the groups from the left.
    const groups = match[1].split(' ');
    if (groups.some((_, i) => ibanValid(groups.slice(0, i + 1).join('')))) {
      found.push('iban');
      break;
    }
  }
  return found;
}
