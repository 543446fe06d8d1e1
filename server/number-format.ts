/** French number formats of pages and CSV files: « 1 234,5 », « 12,5 % ». */

const formats = new Map<number, Intl.NumberFormat>();

export function frenchNumber(value: number, fractionDigits = 0): string {
  let format = formats.get(fractionDigits);
  if (!format) {
    format = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 0, maximumFractionDigits: fractionDigits });
    formats.set(fractionDigits, format);
  }
  // Intl writes a narrow no-break space between thousands: spreadsheets and screen readers prefer a plain no-break space.
  return format.format(value).replace(/\u202f/g, '\u00a0');
}

/** A ratio (0.125) as a percentage (« 12,5 % »). */
export function frenchPercent(ratio: number, fractionDigits = 1): string {
  return `${frenchNumber(ratio * 100, fractionDigits)}\u00a0%`;
}
