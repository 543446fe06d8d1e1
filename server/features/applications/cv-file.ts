import type { FastifyReply } from 'fastify';
import { isPdf } from '../../files/content-sniffing.js';
import { plainFileName } from '../../files/upload.js';

/**
 * CV checks: the type comes from the bytes (never from the extension or the declared MIME type), the
 * file name is a label only (storage ids are generated) and must be plain. DOCX and ODT are ZIP
 * containers: the central directory is read (not inflated) to cap the entry count and the declared
 * uncompressed size, so a zip bomb is refused before anyone opens it.
 */

export const CV_MAX_BYTES = 5 * 1024 * 1024;
/** Declared uncompressed total of a DOCX/ODT (a real CV is far below). */
export const ZIP_MAX_UNCOMPRESSED = 50 * 1024 * 1024;
export const ZIP_MAX_ENTRIES = 2000;

export type CvKind = 'pdf' | 'docx' | 'odt';

export const CV_MEDIA_TYPES: Record<CvKind, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  odt: 'application/vnd.oasis.opendocument.text',
};

/** Why a file is refused: each is a strings key `apply.cv.<problem>`. */
export type CvProblem = 'missing' | 'empty' | 'tooLarge' | 'badName' | 'badType' | 'badArchive';

export class CvRejected extends Error {
  constructor(readonly problem: CvProblem) {
    super(problem);
  }
}

const ODT_MIMETYPE = 'application/vnd.oasis.opendocument.text';

interface ZipEntry {
  name: string;
  uncompressedSize: number;
}

/** The entries of a ZIP's central directory, or undefined when it is not a well-formed ZIP. */
export function zipEntries(data: Buffer): ZipEntry[] | undefined {
  // End of central directory: 22 bytes + a comment of at most 65535 bytes, at the end.
  const from = Math.max(0, data.length - 22 - 0xffff);
  let eocd = -1;
  for (let i = data.length - 22; i >= from; i--) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = data.readUInt16LE(eocd + 10);
  const cdSize = data.readUInt32LE(eocd + 12);
  const cdOffset = data.readUInt32LE(eocd + 16);
  // ZIP64 markers: a CV never needs them.
  if (count === 0xffff || cdOffset === 0xffffffff || cdOffset + cdSize > eocd) return undefined;
  if (count > ZIP_MAX_ENTRIES) throw new CvRejected('badArchive');
  const entries: ZipEntry[] = [];
  let at = cdOffset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > eocd || data.readUInt32LE(at) !== 0x02014b50) return undefined;
    const uncompressedSize = data.readUInt32LE(at + 24);
    const nameLength = data.readUInt16LE(at + 28);
    const extraLength = data.readUInt16LE(at + 30);
    const commentLength = data.readUInt16LE(at + 32);
    if (at + 46 + nameLength > eocd) return undefined;
    entries.push({ name: data.toString('utf8', at + 46, at + 46 + nameLength), uncompressedSize });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The first local entry's stored (uncompressed) bytes, as ODF requires for `mimetype`. */
function firstStoredEntry(data: Buffer): { name: string; content: string } | undefined {
  if (data.length < 30 || data.readUInt32LE(0) !== 0x04034b50) return undefined;
  const method = data.readUInt16LE(8);
  const size = data.readUInt32LE(18);
  const nameLength = data.readUInt16LE(26);
  const extraLength = data.readUInt16LE(28);
  const start = 30 + nameLength + extraLength;
  if (method !== 0 || start + size > data.length || size > 200) return undefined;
  return { name: data.toString('utf8', 30, 30 + nameLength), content: data.toString('latin1', start, start + size) };
}

/** The kind of a CV from its bytes; throws CvRejected when it is none of PDF, DOCX, ODT (or a bomb). */
export function sniffCv(data: Buffer): CvKind {
  if (data.length === 0) throw new CvRejected('empty');
  if (isPdf(data)) return 'pdf';
  if (data.length >= 4 && data.readUInt32LE(0) === 0x04034b50) {
    const entries = zipEntries(data);
    if (!entries) throw new CvRejected('badType');
    const total = entries.reduce((sum, e) => sum + e.uncompressedSize, 0);
    if (total > ZIP_MAX_UNCOMPRESSED) throw new CvRejected('badArchive');
    const names = new Set(entries.map((e) => e.name));
    if (names.has('[Content_Types].xml') && entries.some((e) => e.name.startsWith('word/'))) return 'docx';
    const first = firstStoredEntry(data);
    if (first?.name === 'mimetype' && first.content === ODT_MIMETYPE) return 'odt';
  }
  throw new CvRejected('badType');
}

/**
 * The name shown to the employer, checked as typed: no path (`../../etc/passwd`, `C:\\x`), no control
 * or bidi-override characters, reasonable length. Refused rather than "cleaned", so the candidate knows.
 */
export function checkCvName(raw: string): string {
  const name = plainFileName(raw);
  if (name === undefined) throw new CvRejected('badName');
  return name;
}

/** The extension our name gets, from the sniffed kind (the uploader's extension is not trusted). */
export function downloadName(name: string, kind: string): string {
  const base = name.replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return `${base}.${kind}`;
}

export function kindOfMediaType(mediaType: string): CvKind | undefined {
  return (Object.keys(CV_MEDIA_TYPES) as CvKind[]).find((k) => CV_MEDIA_TYPES[k] === mediaType);
}

/**
 * `Content-Disposition: attachment` (RFC 6266): an ASCII fallback `filename` (accents dropped, quotes
 * and anything odd replaced) and the exact name in `filename*` (RFC 5987, UTF-8 percent-encoded).
 */
export function contentDisposition(name: string): string {
  const ascii =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9._ -]/g, '_')
      .replace(/^[.\s]+/, '')
      .slice(0, 150) || 'cv';
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** Sends a stored file (a CV, a message's attachment) as a download: never rendered by the browser, never cached by anyone. */
export function sendDownload(reply: FastifyReply, file: { mediaType: string; name: string; content: Buffer }): FastifyReply {
  return reply
    .header('content-type', file.mediaType)
    .header('content-disposition', contentDisposition(file.name))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(file.content);
}
