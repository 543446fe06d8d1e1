import { plainWords } from '../../offer-fields/vocabulary.js';

/**
 * Finds the ROME appellation (job title, OGR code) an offer's title names, among the ~13 000 of
 * France Travail's ROME 4.0 (table rome_appellations). The hard part of importing offers is this
 * vocabulary, not the syntax: titles carry gender marks, contract words, seasons and places, and
 * appellations are written « Moniteur / Monitrice de ski ». Both sides are reduced to plain words
 * (no accents, no stop words, light plural stemming), each appellation is expanded into its masculine
 * and feminine forms, and candidates sharing words with the title are scored by how much of the
 * appellation the title covers (mostly) and how much of the title the appellation explains.
 *
 * A match is `sure` when it is close to exact and no appellation of another ROME code comes near;
 * otherwise it is a guess that the feed-health page asks a person to check.
 */

export interface Appellation {
  ogr: number;
  label: string;
  shortLabel: string;
  romeCode: string;
  isMain: boolean;
}

export interface RomeGuess {
  romeCode: string;
  ogr: number;
  label: string;
  /** 0–1: how well the title and the appellation's words agree. */
  score: number;
  sure: boolean;
}

const STOP_WORDS = new Set(['de', 'du', 'des', 'd', 'la', 'le', 'les', 'l', 'en', 'et', 'a', 'au', 'aux', 'pour', 'sur', 'un', 'une', 'dans', 'avec', 'par', 'ou']);

/** Words of a title that say nothing of the trade: gender marks, contracts, seasons, hiring noise. */
const TITLE_NOISE = new Set([
  'h', 'f', 'x', 'hf', 'fh', 'e', 'cdi', 'cdd', 'saisonnier', 'saisonniere', 'saison', 'hiver', 'ete', 'hivernale', 'estivale',
  'interim', 'alternance', 'apprentissage', 'apprenti', 'apprentie', 'stage', 'stagiaire', 'temps', 'plein', 'partiel', 'poste',
  'offre', 'emploi', 'recrute', 'recrutement', 'recherche', 'urgent', 'nouveau', 'nouvelle', 'senior', 'junior', 'confirme', 'confirmee',
]);

/** Plain words without stop words; a final s or x dropped from longer words (moniteurs → moniteur). */
export function tradeWords(text: string, noise: ReadonlySet<string> = new Set()): string[] {
  return plainWords(text)
    .split(' ')
    .filter((word) => word !== '' && !STOP_WORDS.has(word) && !noise.has(word) && !/^\d+$/.test(word))
    .map((word) => (word.length > 4 && /[sx]$/.test(word) ? word.slice(0, -1) : word));
}

/**
 * The forms an appellation is written in: « Moniteur / Monitrice de ski » → « Moniteur de ski »,
 * « Monitrice de ski »; « Conseiller vendeur / Conseillère vendeuse croisières » → both with
 * « croisières »; a short label « Commercial(e) vendeur(se) … » without its parentheses.
 */
export function appellationForms(label: string, shortLabel = label): string[] {
  const forms = new Set<string>();
  for (const text of [label, shortLabel]) {
    const [masculine, feminine] = text.split(' / ');
    if (feminine === undefined) {
      forms.add(text.replace(/\([^)]*\)/g, ''));
      continue;
    }
    const firstWords = masculine.trim().split(/\s+/).length;
    const tail = feminine.trim().split(/\s+/).slice(firstWords).join(' ');
    forms.add(`${masculine} ${tail}`);
    forms.add(feminine);
  }
  return [...forms];
}

interface Form {
  appellation: Appellation;
  words: Set<string>;
}

export class RomeMatcher {
  private readonly forms: Form[] = [];
  private readonly byWord = new Map<string, number[]>();
  readonly romeCodes: Set<string>;
  private readonly byOgr = new Map<number, Appellation>();
  private readonly mainByRome = new Map<string, Appellation>();

  constructor(appellations: Appellation[]) {
    this.romeCodes = new Set(appellations.map((a) => a.romeCode));
    for (const appellation of appellations) {
      this.byOgr.set(appellation.ogr, appellation);
      const main = this.mainByRome.get(appellation.romeCode);
      if (!main || (appellation.isMain && !main.isMain) || (appellation.isMain === main.isMain && appellation.ogr < main.ogr)) {
        this.mainByRome.set(appellation.romeCode, appellation);
      }
      for (const form of appellationForms(appellation.label, appellation.shortLabel)) {
        const words = new Set(tradeWords(form));
        if (words.size === 0) continue;
        const index = this.forms.push({ appellation, words }) - 1;
        for (const word of words) {
          const list = this.byWord.get(word) ?? [];
          list.push(index);
          this.byWord.set(word, list);
        }
      }
    }
  }

  appellation(ogr: number): Appellation | undefined {
    return this.byOgr.get(ogr);
  }

  /** The main appellation of a ROME code (the first in OGR order when none is marked main). */
  mainAppellation(romeCode: string): Appellation | undefined {
    return this.mainByRome.get(romeCode);
  }

  /**
   * The best appellation for a title (within one ROME code when `romeCode` is given), or undefined
   * when no appellation shares enough words with it (score below 0.5).
   */
  match(title: string, romeCode?: string): RomeGuess | undefined {
    const words = new Set(tradeWords(title, TITLE_NOISE));
    if (words.size === 0) return undefined;
    const best = new Map<Appellation, number>();
    for (const word of words) {
      for (const index of this.byWord.get(word) ?? []) {
        const form = this.forms[index];
        if (romeCode && form.appellation.romeCode !== romeCode) continue;
        let common = 0;
        for (const w of form.words) if (words.has(w)) common += 1;
        const score = 0.65 * (common / form.words.size) + 0.35 * (common / words.size);
        if (score > (best.get(form.appellation) ?? 0)) best.set(form.appellation, score);
      }
    }
    const ranked = [...best].sort(
      ([a, sa], [b, sb]) => sb - sa || Number(b.isMain) - Number(a.isMain) || a.label.length - b.label.length || a.ogr - b.ogr,
    );
    const [top, topScore] = ranked[0] ?? [];
    if (!top || topScore! < 0.5) return undefined;
    const rival = ranked.find(([a]) => a.romeCode !== top.romeCode);
    const sure = topScore! >= 0.8 && (!rival || rival[1] < topScore! - 0.1);
    return { romeCode: top.romeCode, ogr: top.ogr, label: top.label, score: Math.round(topScore! * 100) / 100, sure };
  }
}
