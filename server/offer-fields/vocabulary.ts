import type { Contract } from '../db/database.js';

/**
 * The values behind the field map (field-map.ts): for each board value, the words that mean it in the
 * feeds we read, and the codes each format writes. Words are compared on text lower-cased with
 * accents and punctuation removed (`plainWords`).
 */

/** Lower case, no accents, punctuation → spaces, single spaces: « Contrat d'Apprentissage » → « contrat d apprentissage ». */
export function plainWords(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Whether a phrase (already plain) occurs as whole words in a plain text. */
export const hasPhrase = (plain: string, phrase: string) => ` ${plain} `.includes(` ${phrase} `);

export interface ContractTerms {
  /** Words that mean this contract in a feed, plain. */
  words: readonly string[];
  /** schema.org employmentType values of this contract (the working time adds FULL_TIME or PART_TIME). */
  schemaOrg: readonly string[];
  /** Aggregator XML <jobtype>. */
  xml: string;
  /** France Travail type (TCO_cle / typeContrat) and nature (NTC_cle / natureContrat); null: not a job offer France Travail takes. */
  franceTravail: { type: string; nature: string } | null;
}

/**
 * Contracts, most specific first: « CDD saisonnier » is seasonal, « apprentissage (CDD) » an
 * apprenticeship. Reading stops at the first contract whose words occur.
 */
export const CONTRACT_TERMS: Record<Contract, ContractTerms> = {
  apprenticeship: {
    words: ['apprentissage', 'alternance', 'apprenti', 'apprentie', 'contrat pro', 'contrat de professionnalisation', 'professionnalisation', 'apprenticeship'],
    schemaOrg: ['INTERN'],
    xml: 'Alternance',
    franceTravail: { type: 'CDD', nature: 'E2' },
  },
  internship: { words: ['stage', 'stagiaire', 'internship', 'intern'], schemaOrg: ['INTERN'], xml: 'Stage', franceTravail: null },
  interim: {
    words: ['interim', 'interimaire', 'travail temporaire', 'mission d interim', 'contractor', 'per diem'],
    schemaOrg: ['TEMPORARY', 'CONTRACTOR'],
    xml: 'Intérim',
    franceTravail: { type: 'MIS', nature: 'E1' },
  },
  seasonal: { words: ['saisonnier', 'saisonniere', 'saison', 'seasonal', 'contrat saisonnier'], schemaOrg: ['TEMPORARY'], xml: 'Saisonnier', franceTravail: { type: 'SAI', nature: 'E1' } },
  shared_time: {
    words: ['temps partage', 'groupement d employeurs', 'shared time'],
    // A shared-time job is full or part time: its working time says which.
    schemaOrg: [],
    xml: 'CDI temps partagé',
    franceTravail: { type: 'CDI', nature: 'E1' },
  },
  cdd: { words: ['cdd', 'duree determinee', 'contrat a duree determinee', 'temporary', 'fixed term'], schemaOrg: ['TEMPORARY'], xml: 'CDD', franceTravail: { type: 'CDD', nature: 'E1' } },
  cdi: { words: ['cdi', 'duree indeterminee', 'contrat a duree indeterminee', 'permanent'], schemaOrg: [], xml: 'CDI', franceTravail: { type: 'CDI', nature: 'E1' } },
};

/** The contract a text names, or undefined: « Poste en CDI » → cdi, « TEMPORARY » → cdd. */
export function contractFromWords(text: string): Contract | undefined {
  const plain = plainWords(text);
  if (plain === '') return undefined;
  return (Object.keys(CONTRACT_TERMS) as Contract[]).find((contract) => CONTRACT_TERMS[contract].words.some((word) => hasPhrase(plain, word)));
}

/** France Travail's type and nature codes → contract (partner file, Offres v2). */
export function contractFromFranceTravail(type: string, nature: string): Contract | undefined {
  const t = type.trim().toUpperCase();
  const n = nature.trim().toUpperCase();
  if (n === 'E2' || n === 'FS') return 'apprenticeship';
  return (Object.keys(CONTRACT_TERMS) as Contract[]).find((contract) => {
    const codes = CONTRACT_TERMS[contract].franceTravail;
    return codes !== null && codes.type === t && codes.nature !== 'E2' && contract !== 'shared_time';
  });
}

export type WorkingTime = 'full_time' | 'part_time';

export const WORKING_TIME_TERMS: Record<WorkingTime, { words: readonly string[]; schemaOrg: string; franceTravail: string; csv: string }> = {
  part_time: { words: ['temps partiel', 'partiel', 'part time', 'part_time', 'mi temps'], schemaOrg: 'PART_TIME', franceTravail: 'Temps partiel', csv: 'partiel' },
  full_time: { words: ['temps plein', 'temps complet', 'plein', 'full time', 'full_time'], schemaOrg: 'FULL_TIME', franceTravail: 'Temps plein', csv: 'plein' },
};

export function workingTimeFromWords(text: string): WorkingTime | undefined {
  const plain = plainWords(text.replace(/_/g, ' '));
  if (plain === '') return undefined;
  return (Object.keys(WORKING_TIME_TERMS) as WorkingTime[]).find((key) => WORKING_TIME_TERMS[key].words.some((word) => hasPhrase(plain, plainWords(word))));
}

export type SalaryUnit = 'hour' | 'day' | 'month' | 'year';

/**
 * Salary units. France Travail's "type de salaire" letters (A annual, M monthly, H hourly) follow its
 * reference lists as partners report them; to be confirmed with the partnership agreement.
 */
export const SALARY_UNIT_TERMS: Record<SalaryUnit, { words: readonly string[]; schemaOrg: string; franceTravail: string; text: string }> = {
  hour: { words: ['heure', 'horaire', 'h', 'hour', 'hourly', 'de l heure'], schemaOrg: 'HOUR', franceTravail: 'H', text: 'de l’heure' },
  day: { words: ['jour', 'journalier', 'journee', 'day', 'daily', 'j'], schemaOrg: 'DAY', franceTravail: 'J', text: 'par jour' },
  month: { words: ['mois', 'mensuel', 'mensuelle', 'month', 'monthly', 'm'], schemaOrg: 'MONTH', franceTravail: 'M', text: 'par mois' },
  year: { words: ['an', 'annee', 'annuel', 'annuelle', 'year', 'yearly', 'annual', 'a'], schemaOrg: 'YEAR', franceTravail: 'A', text: 'par an' },
};

export function salaryUnitFromWords(text: string): SalaryUnit | undefined {
  const plain = plainWords(text);
  if (plain === '') return undefined;
  const units = Object.keys(SALARY_UNIT_TERMS) as SalaryUnit[];
  // A code alone (schema.org MONTH, France Travail M) first, then words inside a sentence.
  return (
    units.find((unit) => SALARY_UNIT_TERMS[unit].schemaOrg.toLowerCase() === plain || SALARY_UNIT_TERMS[unit].franceTravail.toLowerCase() === plain) ??
    units.find((unit) => SALARY_UNIT_TERMS[unit].words.some((word) => word.length > 1 && hasPhrase(plain, word)))
  );
}

export type Experience = 'none' | 'beginner' | 'experienced' | 'expert';

/** France Travail: D beginner accepted, S experience wished, E experience required. */
export const EXPERIENCE_TERMS: Record<Experience, { words: readonly string[]; franceTravail: 'D' | 'S' | 'E'; months: number; csv: string }> = {
  none: { words: ['aucune', 'sans experience', 'debutant accepte', 'none'], franceTravail: 'D', months: 0, csv: 'aucune' },
  beginner: { words: ['debutant', 'beginner', 'junior', 'premiere experience'], franceTravail: 'S', months: 6, csv: 'debutant' },
  experienced: { words: ['experimente', 'experience exigee', 'experienced', 'confirme'], franceTravail: 'E', months: 24, csv: 'experimente' },
  expert: { words: ['expert', 'senior'], franceTravail: 'E', months: 60, csv: 'expert' },
};

export function experienceFromWords(text: string): Experience | undefined {
  const plain = plainWords(text);
  if (plain === '') return undefined;
  const levels = Object.keys(EXPERIENCE_TERMS) as Experience[];
  // France Travail's letters (E read as experienced: « exigée » says nothing of how much).
  const letter = { d: 'none', s: 'beginner', e: 'experienced' }[plain] as Experience | undefined;
  if (letter) return letter;
  if (/^\d+$/.test(plain)) {
    // schema.org monthsOfExperience
    const months = Number(plain);
    return months === 0 ? 'none' : months < 12 ? 'beginner' : months < 48 ? 'experienced' : 'expert';
  }
  return levels.find((level) => EXPERIENCE_TERMS[level].words.some((word) => hasPhrase(plain, word)));
}

export type HousingTerm = 'provided' | 'help' | 'none';

export const HOUSING_TERMS: Record<HousingTerm, { words: readonly string[]; csv: string }> = {
  help: { words: ['aide', 'aide au logement', 'help'], csv: 'aide' },
  provided: { words: ['oui', 'logement fourni', 'loge', 'fourni', 'provided', 'yes'], csv: 'oui' },
  none: { words: ['non', 'aucun', 'none', 'no'], csv: 'non' },
};

export function housingFromWords(text: string): HousingTerm | undefined {
  const plain = plainWords(text);
  if (plain === '') return undefined;
  return (Object.keys(HOUSING_TERMS) as HousingTerm[]).find((key) => HOUSING_TERMS[key].words.some((word) => hasPhrase(plain, word)));
}

/** Yes/no in the formats we read: O/N (France Travail), oui/non, true/false, 1/0, yes/no. */
export function booleanFromWords(text: string): boolean | undefined {
  const plain = plainWords(text);
  if (['o', 'oui', 'true', '1', 'yes', 'y'].includes(plain)) return true;
  if (['n', 'non', 'false', '0', 'no'].includes(plain)) return false;
  return undefined;
}
