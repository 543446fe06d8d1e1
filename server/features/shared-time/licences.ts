/**
 * Licences and qualifications a need may require (its `licences`), with their French labels in the
 * strings file (`sharedTime.licence.<code>`). `regulated`: a State diploma of a regulated profession;
 * one person rarely holds two, so a combination asks for at most `maxRegulatedDiplomas` of them.
 */
export const LICENCES = [
  { code: 'permis-b', regulated: false },
  { code: 'permis-c', regulated: false },
  { code: 'caces-r489-1', regulated: false },
  { code: 'caces-r489-3', regulated: false },
  { code: 'caces-r489-5', regulated: false },
  { code: 'caces-r482', regulated: false },
  { code: 'haccp', regulated: false },
  { code: 'sst', regulated: false },
  { code: 'habilitation-electrique', regulated: false },
  { code: 'certiphyto', regulated: false },
  { code: 'bnssa', regulated: false },
  { code: 'ssiap-1', regulated: false },
  { code: 'de-infirmier', regulated: true },
  { code: 'de-aide-soignant', regulated: true },
  { code: 'de-assistant-service-social', regulated: true },
  { code: 'de-educateur-specialise', regulated: true },
  { code: 'de-ski', regulated: true },
  { code: 'de-accompagnateur-montagne', regulated: true },
] as const;

export type LicenceCode = (typeof LICENCES)[number]['code'];
export const LICENCE_CODES: readonly string[] = LICENCES.map((l) => l.code);
export const REGULATED_DIPLOMAS: readonly string[] = LICENCES.filter((l) => l.regulated).map((l) => l.code);
