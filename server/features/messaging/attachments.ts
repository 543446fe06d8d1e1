import { AppError } from '../../errors.js';
import { IMAGE_MEDIA_TYPES, isPdf, sniffImage } from '../../files/content-sniffing.js';
import { hasFile, multipartHardCap, plainFileName, type UploadedFile } from '../../files/upload.js';
import { downloadName } from '../applications/cv-file.js';

/**
 * A message's attachment: PDF, PNG, JPEG or WebP of at most 5 MB, recognised by its first bytes (as
 * the pass emploi counsellor app allows), with a plain name. Stored like CVs (FileStore), served only
 * as a download to the thread's participants, deleted 4 months after the thread closes.
 */

export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
export const ATTACHMENT_HARD_CAP = multipartHardCap(ATTACHMENT_MAX_BYTES);

export type AttachmentProblem = 'empty' | 'tooLarge' | 'badName' | 'badType';

const refuse = (problem: AttachmentProblem): never => {
  throw new AppError('ATTACHMENT_REFUSED', problem === 'tooLarge' ? 413 : 400, { piece: `messaging.attachment.${problem}` });
};

export interface AcceptedAttachment {
  name: string;
  mediaType: string;
  data: Buffer;
}

/** The checked attachment, or undefined when the form carried no file. */
export function acceptAttachment(file: UploadedFile | undefined): AcceptedAttachment | undefined {
  if (!hasFile(file)) return undefined;
  if (file.data.length === 0 && !file.truncated) return refuse('empty');
  if (file.truncated || file.data.length > ATTACHMENT_MAX_BYTES) return refuse('tooLarge');
  const name = plainFileName(file.filename);
  if (name === undefined) return refuse('badName');
  const image = sniffImage(file.data);
  const kind = image ?? (isPdf(file.data) ? 'pdf' : undefined);
  if (!kind) return refuse('badType');
  return { name: downloadName(name, kind === 'jpeg' ? 'jpg' : kind), mediaType: image ? IMAGE_MEDIA_TYPES[image] : 'application/pdf', data: file.data };
}
