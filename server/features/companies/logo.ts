import { AppError } from '../../errors.js';
import { hasFile, multipartHardCap, plainFileName, type UploadedFile } from '../../files/upload.js';

/**
 * Company logo checks: PNG, JPEG or WebP, recognised by their first bytes (never by the extension or
 * the declared MIME type). No SVG: an SVG is a document that can carry scripts. At most 1 MB.
 */

export const LOGO_MAX_BYTES = 1024 * 1024;
/** Whole request cut off beyond this (413); also the route's bodyLimit. */
export const LOGO_HARD_CAP = multipartHardCap(LOGO_MAX_BYTES);

export type LogoKind = 'png' | 'jpeg' | 'webp';

export const LOGO_MEDIA_TYPES: Record<LogoKind, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Why a logo is refused: each is a strings key `companySpace.logo.<problem>`. */
export type LogoProblem = 'missing' | 'empty' | 'tooLarge' | 'badName' | 'badType';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image kind from the bytes, or undefined for anything else (SVG, HTML, PDF, …). */
export function sniffImage(data: Buffer): LogoKind | undefined {
  if (data.length >= 8 && data.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

export const refuseLogo = (problem: LogoProblem): never => {
  throw new AppError('LOGO_REFUSED', problem === 'tooLarge' ? 413 : 400, { logo: `companySpace.logo.${problem}` });
};

/** Checks an uploaded logo; throws the form error (field `logo`) otherwise. */
export function acceptLogo(file: UploadedFile | undefined): { kind: LogoKind; mediaType: string; content: Buffer } {
  if (!hasFile(file)) return refuseLogo('missing');
  if (file.data.length === 0 && !file.truncated) return refuseLogo('empty');
  if (file.truncated || file.data.length > LOGO_MAX_BYTES) return refuseLogo('tooLarge');
  if (plainFileName(file.filename) === undefined) return refuseLogo('badName');
  const kind = sniffImage(file.data);
  if (!kind) return refuseLogo('badType');
  return { kind, mediaType: LOGO_MEDIA_TYPES[kind], content: file.data };
}

/** The public address of a company's logo. */
export const logoPath = (slug: string) => `/entreprises/${encodeURIComponent(slug)}/logo`;
