/**
 * What a file is, from its first bytes (never from its name or the MIME type a browser declares).
 * Shared by the features that accept uploads: CVs, company logos, message attachments.
 */

export type ImageKind = 'png' | 'jpeg' | 'webp';

export const IMAGE_MEDIA_TYPES: Record<ImageKind, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The image kind from the bytes, or undefined for anything else (SVG, HTML, PDF, …). */
export function sniffImage(data: Buffer): ImageKind | undefined {
  if (data.length >= 8 && data.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** A PDF starts with `%PDF-`. */
export const isPdf = (data: Buffer): boolean => data.subarray(0, 5).toString('latin1') === '%PDF-';
