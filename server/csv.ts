/**
 * CSV for French spreadsheets: `;` separator (the comma is the decimal mark in French locales), CRLF
 * line ends, a UTF-8 BOM so Excel reads accents right. Fields with `;`, quotes or line breaks are
 * quoted (quotes doubled); fields starting with = + - @ are prefixed with ' so no formula runs (CSV injection).
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return `\uFEFF${[header, ...rows].map((row) => row.map(csvField).join(';')).join('\r\n')}\r\n`;
}
