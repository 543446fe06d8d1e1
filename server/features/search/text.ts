/**
 * French query analysis shared by both engines: accents and case removed, stop words dropped, and the
 * feminine and masculine forms of trade names brought together ("monitrice" ↔ "moniteur",
 * "serveuse" ↔ "serveur"), which the Snowball stemmer does not do.
 */

/** Lower case, accents removed (é → e, œ → oe), the way PostgreSQL's unaccent and Meilisearch see text. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase();
}

// Words that carry no meaning in a job search ("H/F" included).
const STOP_WORDS = new Set([
  'a', 'au', 'aux', 'avec', 'ce', 'ces', 'cet', 'cette', 'd', 'dans', 'de', 'des', 'du', 'en', 'et', 'f', 'h', 'hf',
  'l', 'la', 'le', 'les', 'leur', 'leurs', 'ou', 'par', 'pour', 'qu', 'que', 'qui', 'sa', 'sans', 'ses', 'son', 'sur',
  'un', 'une', 'y',
]);

const MAX_WORDS = 8;
const MAX_WORD_LENGTH = 40;

export interface AnalyzedQuery {
  /** Folded words, stop words removed, at most 8, each [a-z0-9]+ (so safe inside any query syntax). */
  words: string[];
  /** The text ends inside a word: the last word is matched as a prefix ("monit" → "moniteur"). */
  lastIsPrefix: boolean;
}

export function analyze(text: string | undefined): AnalyzedQuery {
  const folded = fold(text ?? '');
  const words = folded
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0 && w.length <= MAX_WORD_LENGTH && !STOP_WORDS.has(w))
    .slice(0, MAX_WORDS);
  const lastIsPrefix = words.length > 0 && /[a-z0-9]$/.test(folded) && words[words.length - 1].length >= 3;
  return { words, lastIsPrefix };
}

// [feminine ending, masculine ending], longest first. Applied on folded words.
const GENDER_PAIRS: [string, string][] = [
  ['trice', 'teur'],
  ['euse', 'eur'],
  ['ienne', 'ien'],
  ['enne', 'en'],
  ['onne', 'on'],
  ['iere', 'ier'],
  ['ere', 'er'],
  ['esse', 'e'],
  ['effe', 'ef'],
  ['ette', 'et'],
  ['ive', 'if'],
  ['ee', 'e'],
];
const MIN_STEM = 3;

/** The masculine form the job titles use ("Moniteur de ski H/F"): "monitrice" → "moniteur". */
export function masculine(word: string): string {
  for (const [feminine, male] of GENDER_PAIRS) {
    if (word.endsWith(feminine) && word.length - feminine.length >= MIN_STEM) return word.slice(0, -feminine.length) + male;
  }
  return word;
}

/**
 * The word and its other gender forms, for engines that match exact lexemes: "moniteur" →
 * [moniteur, monitrice, moniteuse]; "serveuse" → [serveuse, serveur]. Extra forms that are not French
 * words cost nothing: they match no document.
 */
export function genderVariants(word: string): string[] {
  const variants = new Set([word]);
  const male = masculine(word);
  variants.add(male);
  for (const [feminine, maleEnding] of GENDER_PAIRS) {
    if (male.endsWith(maleEnding) && male.length - maleEnding.length >= MIN_STEM && maleEnding.length >= 2) {
      variants.add(male.slice(0, -maleEnding.length) + feminine);
    }
  }
  return [...variants];
}
