import { Busboy } from '@fastify/busboy';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { CV_MAX_BYTES } from './cv-file.js';
import type { UploadedFile } from './service.js';

/** Whole request: the CV plus a few short fields and the multipart framing. */
export const MULTIPART_MAX_BYTES = CV_MAX_BYTES + 256 * 1024;
/** Beyond this the request is cut off at once (413) rather than read and discarded. */
export const MULTIPART_HARD_CAP = 2 * MULTIPART_MAX_BYTES;

/**
 * multipart/form-data for the apply form, in this plugin's scope only. Parsed as a content-type
 * parser (before preValidation), so the body is a plain object like a url-encoded form's: the global
 * CSRF hook finds `_csrf` there, the form schema validates the text fields, and the file part is an
 * UploadedFile under its field name. Limits: one file of at most 5 MB (a bigger one is cut and
 * flagged `truncated`, then refused with 413), 12 short fields, and the whole stream is capped.
 * preservePath keeps the file name as sent, so `../../etc/passwd` is refused rather than silently cut.
 */
export function acceptMultipart(app: FastifyInstance): void {
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
        limits: { fileSize: CV_MAX_BYTES, files: 1, fields: 12, parts: 14, fieldSize: 16 * 1024, fieldNameSize: 50 },
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
    busboy.on('filesLimit', () => finish(new AppError('CV_REFUSED', 400)));
    busboy.on('error', () => finish(new AppError('BAD_REQUEST', 400)));
    busboy.on('finish', () => finish(null, body));
    // Busboy cuts the file at 5 MB and discards the rest (refused later with the typed values kept);
    // a stream far beyond any honest form is cut off here.
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MULTIPART_HARD_CAP) return finish(new AppError('PAYLOAD_TOO_LARGE', 413, { cv: 'apply.cv.tooLarge' }));
    payload.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MULTIPART_HARD_CAP) {
        payload.unpipe(busboy);
        payload.resume();
        finish(new AppError('PAYLOAD_TOO_LARGE', 413, { cv: 'apply.cv.tooLarge' }));
      }
    });
    payload.pipe(busboy);
  });
}
