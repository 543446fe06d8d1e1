import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export interface Eml {
  headers: Map<string, string>;
  raw: string;
}

/** The MIME messages nodemailer wrote for a tenant (file mode), with unfolded headers. */
export async function emls(dir: string, tenant: string): Promise<Eml[]> {
  let names: string[] = [];
  try {
    names = (await readdir(path.join(dir, tenant))).filter((n) => n.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return Promise.all(
    names.map(async (name) => {
      const raw = await readFile(path.join(dir, tenant, name), 'utf8');
      const head = raw.slice(0, raw.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ');
      const headers = new Map<string, string>();
      for (const line of head.split('\n')) {
        const i = line.indexOf(':');
        if (i > 0) headers.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
      }
      return { headers, raw };
    }),
  );
}

/** Quoted-printable bodies fold long lines and encode accents: enough decoding to search the text. */
export const decodeQp = (raw: string) =>
  Buffer.from(raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

/** A header as written by nodemailer, RFC 2047 encoded words (`=?UTF-8?Q?…?=`) decoded. */
export function decodeHeader(value: string | undefined): string {
  if (!value) return '';
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_m, text: string) => decodeQp(text.replace(/_/g, ' ')))
    .replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (_m, text: string) => Buffer.from(text, 'base64').toString('utf8'));
}
