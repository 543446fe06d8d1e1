import { Busboy } from '@fastify/busboy';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

/**
 * Uploads through HTML forms (CVs, company logos): the multipart parser and the checks every uploaded
 * file gets whatever its kind. What a file may contain is checked by its feature (by content, never by
 * extension or declared MIME type).
 */

/** A file part of a multipart form, as the parser hands it over. */
export interface UploadedFile {
  filename: string;
  data: Buffer;
  truncated: boolean;
}

/** A file input left empty sends a part with no name and no bytes: that is "no file". */
export const hasFile = (file: UploadedFile | undefined): file is UploadedFile =>
  file !== undefined && (file.filename !== '' || file.data.length > 0 || file.truncated);

export interface MultipartLimits {
  /** One file of at most this size: a bigger one is cut and flagged `truncated` (refused by the feature). */
  maxFileBytes: number;
  /** Beyond this the request is cut off at once (413) rather than read and discarded; also the route's bodyLimit. */
  hardCap: number;
  /** Error code when a second file is sent. */
  refusedCode: string;
  /** Form errors of a request cut off for its size, e.g. `{ cv: 'apply.cv.tooLarge' }`. */
  tooLargeFields: Record<string, string>;
}

/** The hard cap for a form carrying one file of `maxFileBytes`, a few short fields and the framing. */
export const multipartHardCap = (maxFileBytes: number) => 2 * (maxFileBytes + 256 * 1024);

/**
 * multipart/form-data in the calling plugin's scope only. Parsed as a content-type parser (before
 * preValidation), so the body is a plain object like a url-encoded form's: the global CSRF hook finds
 * `_csrf` there, the form schema validates the text fields, and the file part is an UploadedFile under
 * its field name. Limits: one file (see MultipartLimits), 12 short fields, and the whole stream is
 * capped. preservePath keeps the file name as sent, so `../../etc/passwd` is refused rather than
 * silently cut.
 */
export function acceptMultipart(app: FastifyInstance, limits: MultipartLimits): void {
  app.addContentTypeParser('multipart/form-data', (request, payload, done) => {
    let finished = false;
    const finish = (error: Error | null, body?: unknown) => {
      if (finished) return;
      finished = true;
      done(error, body);
    };
    const body: Record<string, unknown> = {};
    let received = 0;
    let busboy;
    try {
      busboy = Busboy({
        headers: request.headers as never,
        preservePath: true,
        limits: { fileSize: limits.maxFileBytes, files: 1, fields: 12, parts: 14, fieldSize: 16 * 1024, fieldNameSize: 50 },
      });
    } catch {
      return finish(new AppError('BAD_REQUEST', 400));
    }
    busboy.on('field', (name, value) => {
      if (!(name in Object.prototype)) body[name] = value;
    });
    busboy.on('file', (name, stream, filename) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (name in Object.prototype) return;
        const file: UploadedFile = { filename: filename ?? '', data: Buffer.concat(chunks), truncated: stream.truncated };
        body[name] = file;
      });
    });
    busboy.on('filesLimit', () => finish(new AppError(limits.refusedCode, 400)));
    busboy.on('error', () => finish(new AppError('BAD_REQUEST', 400)));
    busboy.on('finish', () => finish(null, body));
    // Busboy cuts the file at maxFileBytes and discards the rest (refused later with the typed values
    // kept); a stream far beyond any honest form is cut off here.
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > limits.hardCap) return finish(new AppError('PAYLOAD_TOO_LARGE', 413, limits.tooLargeFields));
    payload.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limits.hardCap) {
        payload.unpipe(busboy);
        payload.resume();
        finish(new AppError('PAYLOAD_TOO_LARGE', 413, limits.tooLargeFields));
      }
    });
    payload.pipe(busboy);
  });
}

/**
 * An uploaded file's name checked as typed: no path (`../../etc/passwd`, `C:\\x`), no control or
 * bidi-override characters, reasonable length. undefined when refused (refused rather than "cleaned",
 * so the user knows); the NFC-normalised name otherwise.
 */
export function plainFileName(raw: string): string | undefined {
  const name = raw.normalize('NFC');
  if (name.length === 0 || name.length > 200) return undefined;
  // C0/C1 controls, DEL, and bidi controls that make "cv‮fdp.exe" read as "cvexe.pdf".
  if (/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(name)) return undefined;
  if (/[/\\]/.test(name) || name === '.' || name === '..' || name.startsWith('.')) return undefined;
  return name;
}
