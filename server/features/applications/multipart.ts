import type { FastifyInstance } from 'fastify';
import { acceptMultipart as acceptUpload, multipartHardCap } from '../../files/upload.js';
import { CV_MAX_BYTES } from './cv-file.js';

/** Beyond this the request is cut off at once (413) rather than read and discarded. */
export const MULTIPART_HARD_CAP = multipartHardCap(CV_MAX_BYTES);

/**
 * multipart/form-data with one CV (at most 5 MB), in the calling plugin's scope only: the shared
 * parser of server/files/upload.ts with the CV limits.
 */
export function acceptMultipart(app: FastifyInstance): void {
  acceptUpload(app, { maxFileBytes: CV_MAX_BYTES, hardCap: MULTIPART_HARD_CAP, refusedCode: 'CV_REFUSED', tooLargeFields: { cv: 'apply.cv.tooLarge' } });
}
