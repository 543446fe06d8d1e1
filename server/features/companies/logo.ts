import { AppError } from '../../errors.js';
import { IMAGE_MEDIA_TYPES, sniffImage, type ImageKind } from '../../files/content-sniffing.js';
import { hasFile, multipartHardCap, plainFileName, type UploadedFile } from '../../files/upload.js';

/**
 * Company logo checks: PNG, JPEG or WebP, recognised by their first bytes (never by the extension or
 * the declared MIME type). No SVG: an SVG is a document that can carry scripts. At most 1 MB.
 */

export const LOGO_MAX_BYTES = 1024 * 1024;
/** Whole request cut off beyond this (413); also the route's bodyLimit. */
export const LOGO_HARD_CAP = multipartHardCap(LOGO_MAX_BYTES);

/** Why a logo is refused: each is a strings key `companySpace.logo.<problem>`. */
export type LogoProblem = 'missing' | 'empty' | 'tooLarge' | 'badName' | 'badType';

export const refuseLogo = (problem: LogoProblem): never => {
  throw new AppError('LOGO_REFUSED', problem === 'tooLarge' ? 413 : 400, { logo: `companySpace.logo.${problem}` });
};

/** Checks an uploaded logo; throws the form error (field `logo`) otherwise. */
export function acceptLogo(file: UploadedFile | undefined): { kind: ImageKind; mediaType: string; content: Buffer } {
  if (!hasFile(file)) return refuseLogo('missing');
  if (file.data.length === 0 && !file.truncated) return refuseLogo('empty');
  if (file.truncated || file.data.length > LOGO_MAX_BYTES) return refuseLogo('tooLarge');
  if (plainFileName(file.filename) === undefined) return refuseLogo('badName');
  const kind = sniffImage(file.data);
  if (!kind) return refuseLogo('badType');
  return { kind, mediaType: IMAGE_MEDIA_TYPES[kind], content: file.data };
}

/** The public address of a company's logo. */
export const logoPath = (slug: string) => `/entreprises/${encodeURIComponent(slug)}/logo`;
