import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { csrfOf, type FormClient } from './accounts.js';

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

export interface Part {
  name: string;
  value?: string;
  file?: { filename: string; data: Buffer; type?: string };
}

/** A multipart/form-data body as a browser sends it. */
export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----cordee${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if (part.file) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.file.filename}"\r\nContent-Type: ${part.file.type ?? 'application/pdf'}\r\n\r\n`,
        ),
        part.file.data,
        Buffer.from('\r\n'),
      );
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** GET `page` as this client, then POST a multipart form to `action` with the page's CSRF token. */
export async function postMultipart(
  app: FastifyInstance,
  client: FormClient,
  page: string,
  action: string,
  fields: Record<string, string>,
  file?: Part['file'],
  withToken = true,
  fileField = 'cv',
) {
  const form = await client.get(page);
  if (form.statusCode !== 200) throw new Error(`GET ${page} answered ${form.statusCode}`);
  const parts: Part[] = [];
  if (withToken) parts.push({ name: '_csrf', value: csrfOf(form.body) });
  for (const [name, value] of Object.entries(fields)) parts.push({ name, value });
  if (file) parts.push({ name: fileField, file });
  const { body, contentType } = multipart(parts);
  const cookie = [...client.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  return app.inject({ method: 'POST', url: action, headers: { host: client.host, cookie, 'content-type': contentType }, payload: body, remoteAddress: client.ip });
}
