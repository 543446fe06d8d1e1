import { describe, expect, it } from 'vitest';
import { APPLICATION_STATUSES } from '../../../server/db/database.js';
import { checkCvName, contentDisposition, CvRejected, sniffCv, ZIP_MAX_ENTRIES } from '../../../server/features/applications/cv-file.js';
import { APPLICATION_TRANSITIONS, canMove } from '../../../server/features/applications/pipeline.js';

/** A ZIP with stored (uncompressed) entries; `declaredSize` overrides the central directory's size (zip-bomb fixture). */
function zip(entries: { name: string; content: string; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const data = Buffer.from(entry.content, 'latin1');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(0, 8);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(entry.declaredSize ?? data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const problem = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof CvRejected) return error.problem;
    throw error;
  }
  return undefined;
};

describe('CV type by content', () => {
  it('recognises PDF, DOCX and ODT from their bytes, whatever the name', () => {
    expect(sniffCv(Buffer.from('%PDF-1.7\n…'))).toBe('pdf');
    expect(sniffCv(zip([{ name: '[Content_Types].xml', content: '<Types/>' }, { name: 'word/document.xml', content: '<w:document/>' }]))).toBe('docx');
    expect(sniffCv(zip([{ name: 'mimetype', content: 'application/vnd.oasis.opendocument.text' }, { name: 'content.xml', content: '<office/>' }]))).toBe('odt');
  });

  it('refuses executables, spreadsheets in disguise, plain zips, empty files and polyglots', () => {
    expect(problem(() => sniffCv(Buffer.from('MZ\x90\x00rest of an exe')))).toBe('badType');
    expect(problem(() => sniffCv(Buffer.from('#!/bin/sh\necho %PDF-')))).toBe('badType');
    expect(problem(() => sniffCv(zip([{ name: 'mimetype', content: 'application/vnd.oasis.opendocument.spreadsheet' }])))).toBe('badType');
    expect(problem(() => sniffCv(zip([{ name: '[Content_Types].xml', content: '<Types/>' }, { name: 'xl/workbook.xml', content: '' }])))).toBe('badType');
    expect(problem(() => sniffCv(zip([{ name: 'payload.exe', content: 'MZ' }])))).toBe('badType');
    expect(problem(() => sniffCv(Buffer.from('PK\x03\x04truncated')))).toBe('badType');
    expect(problem(() => sniffCv(Buffer.alloc(0)))).toBe('empty');
  });

  it('refuses zip bombs by their declared size and entry count, without inflating anything', () => {
    const bomb = zip([
      { name: '[Content_Types].xml', content: '<Types/>' },
      { name: 'word/document.xml', content: 'x', declaredSize: 4_000_000_000 },
    ]);
    expect(problem(() => sniffCv(bomb))).toBe('badArchive');
    const many = zip(Array.from({ length: ZIP_MAX_ENTRIES + 1 }, (_, i) => ({ name: `word/${i}.xml`, content: '' })));
    expect(problem(() => sniffCv(many))).toBe('badArchive');
  });
});

describe('CV file names', () => {
  it('keeps ordinary names, accents and spaces included', () => {
    expect(checkCvName('CV Zoé Müller 2026.pdf')).toBe('CV Zoé Müller 2026.pdf');
  });

  it.each(['../../etc/passwd', '..\\..\\boot.ini', '/etc/passwd', 'C:\\cv.pdf', '.htaccess', '..', 'cv\u0000.pdf', 'cv\n.pdf', 'cv\u202Efdp.exe', '', 'x'.repeat(201)])(
    'refuses %j',
    (name) => {
      expect(problem(() => checkCvName(name))).toBe('badName');
    },
  );

  it('serves an ASCII filename and the exact UTF-8 name in filename* (RFC 6266 / 5987)', () => {
    expect(contentDisposition('CV Zoé "final";.pdf')).toBe(`attachment; filename="CV Zoe _final__.pdf"; filename*=UTF-8''CV%20Zo%C3%A9%20%22final%22%3B.pdf`);
    expect(contentDisposition("l'été (1).pdf")).toBe(`attachment; filename="l_ete _1_.pdf"; filename*=UTF-8''l%27%C3%A9t%C3%A9%20%281%29.pdf`);
  });
});

describe('application pipeline', () => {
  it('covers every status and only allows listed moves', () => {
    expect(Object.keys(APPLICATION_TRANSITIONS).sort()).toEqual([...APPLICATION_STATUSES].sort());
    expect(canMove('new', 'viewed')).toBe(true);
    expect(canMove('interview', 'hired')).toBe(true);
    expect(canMove('hired', 'rejected')).toBe(false);
    expect(canMove('viewed', 'new')).toBe(false);
    for (const [from, tos] of Object.entries(APPLICATION_TRANSITIONS)) expect(tos).not.toContain(from);
  });
});
