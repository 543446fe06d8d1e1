import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCombination } from '../../../server/features/shared-time/checker.js';
import { EngineContext, evaluateGroup } from '../../../server/features/shared-time/engine/evaluate.js';
import { proposeCombinations } from '../../../server/features/shared-time/engine/propose.js';
import { greedyPacking, loadHighsSolver, packingValue, type SetPackingSolver } from '../../../server/features/shared-time/engine/select.js';
import { DEFAULT_SHARED_TIME_SETTINGS, resolveSettings, type SharedTimeSettings } from '../../../server/features/shared-time/engine/settings.js';
import type { EngineInput, EngineNeed } from '../../../server/features/shared-time/engine/types.js';
import { REGULATED_DIPLOMAS } from '../../../server/features/shared-time/licences.js';
import { reasonText } from '../../../server/features/shared-time/reasons.js';
import { tradeName } from '../../../server/features/shared-time/gap.js';
import { interpolate, readStrings } from '../../../server/tenancy/theme.js';
import { VIEWS_DIR } from '../../helpers/tenant-fixtures.js';
import { ALL_YEAR, need, north, slots } from './needs.js';

// The worked examples of shared/SHARED-TIME.md, with the engine's exact figures. The model year is
// 52 weeks (364 days, 1 January a Monday): hours are counted day by day over it.

const strings = readStrings(path.join(VIEWS_DIR, 'strings.fr.json'));
const t = (key: string, params: Record<string, unknown> = {}) => interpolate(strings[key] ?? key, params);
const S = DEFAULT_SHARED_TIME_SETTINGS;

function evaluate(needs: EngineNeed[], settings: SharedTimeSettings = S, competitors: [string, string][] = []) {
  const ctx = new EngineContext(settings, competitors, REGULATED_DIPLOMAS);
  return evaluateGroup(ctx, needs.map((n, i) => ctx.prepare(n, i)), { gapCard: true });
}

const input = (needs: EngineNeed[], extra: Partial<EngineInput> = {}): EngineInput => ({
  needs,
  competitors: [],
  pinned: [],
  rejected: [],
  regulatedDiplomas: REGULATED_DIPLOMAS,
  ...extra,
});

/** Every combination passes the independent checker, which finds the same hours. */
function expectChecked(result: ReturnType<typeof proposeCombinations>, needs: EngineNeed[], settings = S) {
  const byId = new Map(needs.map((n) => [n.id, n]));
  for (const combination of result.combinations) {
    const report = checkCombination(combination.needIds.map((id) => byId.get(id)!), settings, { competitors: [], regulatedDiplomas: REGULATED_DIPLOMAS });
    expect(report.violations, combination.key).toEqual([]);
    expect(report.annualMinutes).toBe(combination.annualMinutes);
    expect(report.regime).toBe(combination.regime);
  }
}

let highs: SetPackingSolver;
beforeAll(async () => {
  highs = await loadHighsSolver();
});

describe('seasons (Haut-Chablais, after « Atout saison »)', () => {
  const morzine = { name: 'Morzine', lat: 46.172, lon: 6.74321 };
  const lesGets = { name: 'Les Gets', lat: 46.15534, lon: 6.65709 };
  const lifts = need({ id: 'lifts', companyId: 'pleney', companyName: 'Remontées du Pléney', title: 'Conducteur de remontées', sites: [morzine], periods: [{ from: '12-15', to: '04-15', slots: slots('mon-fri 08:30-15:30') }] });
  const greenSpaces = need({
    id: 'green-spaces',
    companyId: 'cc-haut-chablais',
    companyName: 'Communauté de communes du Haut-Chablais',
    publicBody: true,
    title: 'Espaces verts',
    licences: ['permis-b'],
    sites: [lesGets],
    periods: [{ from: '05-15', to: '10-31', slots: slots('mon-fri 07:30-12:00', 'mon-fri 13:00-15:30') }],
  });
  const overhaulAsWritten = need({ id: 'overhaul-oct', companyId: 'pleney', companyName: 'Remontées du Pléney', title: 'Révision', sites: [morzine], periods: [{ from: '10-15', to: '11-30', slots: slots('mon-thu 08:00-13:00') }] });
  const overhaul = need({ id: 'overhaul', companyId: 'pleney', companyName: 'Remontées du Pléney', title: 'Révision', sites: [morzine], periods: [{ from: '11-01', to: '12-14', slots: slots('mon-thu 08:00-13:00') }] });

  it('lifts in winter + green spaces in summer: 595 h + 854 h = 1 449 h, an annualised job at 90 % with a gap card', () => {
    expect(evaluate([lifts]).reason).toMatchObject({ code: 'annualUnderMin', params: { hours: 595 } });
    expect(evaluate([greenSpaces]).reason).toMatchObject({ code: 'annualUnderMin', params: { hours: 854 } });
    const { combination } = evaluate([lifts, greenSpaces]);
    expect(combination).toMatchObject({ regime: 'annualised', annualMinutes: 1449 * 60, fill: 0.9017, licences: ['permis-b'] });
    expect(combination!.metrics.maxSiteTravelMinutes).toBe(11);
    expect(combination!.employers.map((e) => [e.companyId, e.minutes / 60, e.share])).toEqual([
      ['cc-haut-chablais', 854, 0.5894],
      ['pleney', 595, 0.4106],
    ]);
    // What would complete it: 158 h, November free, weekends free, within 34 min of Les Gets.
    expect(combination!.gap).toEqual({ fill: 0.9017, missingHours: 158, per: 'year', freeDays: [5, 6], freeMonths: [10], zone: { siteName: 'Les Gets', minutes: 34 }, trades: [] });
  });

  it('the autumn overhaul as the study writes it (15 Oct–30 Nov) clashes with the green spaces in October', () => {
    const { reason } = evaluate([lifts, greenSpaces, overhaulAsWritten]);
    expect(reasonText(reason!, t)).toBe('lundi : Espaces verts 07:30–12:00 et Révision 08:00–13:00 se chevauchent');
  });

  it('with the overhaul from 1 November to the lifts’ opening: 1 574 h, 98 % of a full year, two employers, one public', () => {
    const { combination } = evaluate([lifts, greenSpaces, overhaul]);
    expect(combination).toMatchObject({ regime: 'annualised', annualMinutes: 1574 * 60, fill: 0.9795, gap: null });
    expect(combination!.employers.map((e) => [e.companyName, e.publicBody, e.minutes / 60])).toEqual([
      ['Communauté de communes du Haut-Chablais', true, 854],
      ['Remontées du Pléney', false, 720],
    ]);
    const result = proposeCombinations(input([lifts, greenSpaces, overhaul]), S, { solver: highs });
    expect(result.combinations.map((c) => c.key)).toEqual(['green-spaces+lifts+overhaul']);
    expectChecked(result, [lifts, greenSpaces, overhaul]);
  });

  it('a tenant that caps a public member at half of the time refuses it: the community uses 54 %', () => {
    const capped = resolveSettings({ publicEmployerMaxShare: 0.5 });
    expect(reasonText(evaluate([lifts, greenSpaces, overhaul], capped).reason!, t)).toBe('Communauté de communes du Haut-Chablais (membre public) : 54 % du temps > 50 %');
  });
});

describe('weekly fit with travel', () => {
  const dairySite = { name: 'Laiterie', lat: 44.27715, lon: 2.71714 };
  const guidesSite = north(dairySite, 22.4, 'Bureau des guides');
  const guides = need({ id: 'guides', title: 'Bureau des guides', sites: [guidesSite], periods: [{ ...ALL_YEAR, slots: slots('tue,thu,sat 08:30-17:00') }] });
  const dairy = need({ id: 'dairy', title: 'Laiterie', sites: [dairySite], periods: [{ ...ALL_YEAR, slots: slots('mon,wed,fri 06:00-11:00') }] });

  it('guides Tue/Thu/Sat + dairy Mon/Wed/Fri: 40.5 h, over 35 h; dropping one slot of 8.5 h would fit', () => {
    const { reason } = evaluate([guides, dairy]);
    expect(reason).toMatchObject({ code: 'weeklyOverMax', monotonic: true, params: { hours: 40.5 } });
    expect(reasonText(reason!, t)).toBe('40,5 h par semaine > 35 h ; possible en retirant mardi 08:30–17:00 (Bureau des guides) : 32 h');
  });

  it('when the dairy adds Tuesday 06:00–08:00, the pair fails on the road: 08:00 + 35 min > 08:30', () => {
    const dairyTuesday = need({ ...dairy, id: 'dairy-tuesday', periods: [{ ...ALL_YEAR, slots: slots('mon,wed,fri 06:00-11:00', 'tue 06:00-08:00') }] });
    const { reason } = evaluate([guides, dairyTuesday]);
    expect(reasonText(reason!, t)).toBe('mardi : 08:00 + 35 min de trajet > 08:30');
    const result = proposeCombinations(input([guides, dairyTuesday]), S, { solver: highs });
    expect(result.combinations).toEqual([]);
    expect(result.unmatched.map((u) => [u.needId, u.neighbours.map((n) => [n.needId, n.minutes, n.reason?.code])])).toEqual([
      ['dairy-tuesday', [['guides', 35, 'travelClash']]],
      ['guides', [['dairy-tuesday', 35, 'travelClash']]],
    ]);
  });
});

describe('agri-food line (after « Job et Partage », Aveyron)', () => {
  const pontDeSalars = { name: 'Pont-de-Salars', lat: 44.27715, lon: 2.71714 };
  const onet = { name: 'Onet-le-Château', lat: 44.38237, lon: 2.56144 };
  const luc = { name: 'Luc-la-Primaube', lat: 44.30462, lon: 2.5379 };
  const dairy = need({ id: 'dairy-line', companyId: 'laiterie', title: 'Ligne laiterie', sites: [pontDeSalars], periods: [{ ...ALL_YEAR, slots: slots('mon-wed 05:00-12:00') }] });
  const moulding = need({ id: 'moulding-line', companyId: 'plasturgie', title: 'Ligne moulage', sites: [onet], periods: [{ ...ALL_YEAR, slots: slots('thu-fri 06:00-13:00') }] });

  it('dairy Mon–Wed 05:00–12:00 (21 h) + moulding Thu–Fri 06:00–13:00 (14 h): exactly 35 h a week, all year', () => {
    const { combination } = evaluate([dairy, moulding]);
    expect(combination).toMatchObject({ regime: 'weekly', annualMinutes: 35 * 52 * 60, fill: 1, gap: null });
    expect(new Set(combination!.weeklyMinutes)).toEqual(new Set([35 * 60]));
    expect(combination!.metrics).toMatchObject({ maxSiteTravelMinutes: 27, maxDailyMinutes: 420, minWeeklyRestMinutes: 64 * 60 });
    const result = proposeCombinations(input([dairy, moulding]), S, { solver: highs });
    expect(result.combinations.map((c) => [c.key, c.annualMinutes / 60])).toEqual([['dairy-line+moulding-line', 1820]]);
    expectChecked(result, [dairy, moulding]);
  });

  it('no 05:00 start after a 21:00 finish: 8 h of rest < 11 h', () => {
    const grocerEvening = need({ id: 'grocer-evening', companyId: 'epicerie', sites: [luc], periods: [{ ...ALL_YEAR, slots: slots('tue 16:00-21:00') }] });
    const dairyWednesday = need({ ...dairy, id: 'dairy-wednesday', periods: [{ ...ALL_YEAR, slots: slots('wed 05:00-12:00') }] });
    expect(reasonText(evaluate([grocerEvening, dairyWednesday]).reason!, t)).toBe('mercredi : 8 h de repos entre 21:00 et 05:00 < 11 h');
  });

  it('the grocer’s Nov–Dec peak (CACES R489 cat. 3) with a packing morning all year: a second, annualised combination', () => {
    const packing = need({ id: 'packing', companyId: 'salaisons', sites: [luc], periods: [{ ...ALL_YEAR, slots: slots('mon-fri 06:00-10:00') }] });
    const peak = need({ id: 'grocer-peak', companyId: 'epicerie', licences: ['caces-r489-3'], sites: [luc], periods: [{ from: '11-01', to: '12-31', slots: slots('mon-fri 14:00-19:00') }] });
    const { combination } = evaluate([packing, peak]);
    // 20 h × 52 weeks + 5 h on each of the 42 weekdays of the peak (1 Nov–30 Dec in the model year).
    expect(combination).toMatchObject({ regime: 'annualised', annualMinutes: (20 * 52 + 5 * 42) * 60, licences: ['caces-r489-3'] });
    expect(combination!.metrics.maxWeekMinutes).toBe(45 * 60);
  });
});

describe('caps and exclusions', () => {
  const village = { name: 'Rodez', lat: 44.35908, lon: 2.56986 };
  const days = ['mon', 'tue', 'wed', 'thu', 'fri'];
  const oneDayEach = (companies: string[]) =>
    days.map((day, i) => need({ id: `day-${day}`, companyId: companies[i], companyName: `Entreprise ${companies[i]}`, sites: [village], periods: [{ ...ALL_YEAR, slots: slots(`${day} 08:00-15:00`) }] }));

  it('the employer cap: five days from five companies are refused, from four companies they make a 35 h job', () => {
    const settings = resolveSettings({ maxNeeds: 5 });
    const five = oneDayEach(['a', 'b', 'c', 'd', 'e']);
    expect(reasonText(evaluate(five, settings).reason!, t)).toBe('5 employeurs > 4');
    const best = proposeCombinations(input(five), settings, { solver: highs });
    expect(best.combinations.map((c) => [c.needIds.length, c.annualMinutes / 60])).toEqual([[4, 28 * 52]]);
    expect(best.unmatched).toHaveLength(1);
    const four = oneDayEach(['a', 'b', 'c', 'd', 'a']);
    expect(evaluate(four, settings).combination).toMatchObject({ regime: 'weekly', annualMinutes: 35 * 52 * 60 });
  });

  it('never two competitors, sites within 45 min, one regulated diploma, a weekly rest of 35 h', () => {
    const [monday, tuesday] = oneDayEach(['laiterie', 'fromagerie']);
    expect(reasonText(evaluate([monday, tuesday], S, [['laiterie', 'fromagerie']]).reason!, t)).toBe('Entreprise laiterie et Entreprise fromagerie sont concurrents');
    const far = need({ ...tuesday, id: 'far', sites: [north(village, 40, 'Espalion')] });
    expect(reasonText(evaluate([monday, far]).reason!, t)).toBe('Rodez – Espalion : 63 min de trajet > 45 min');
    const nurse = need({ ...monday, licences: ['de-infirmier'] });
    const socialWorker = need({ ...tuesday, licences: ['de-assistant-service-social'] });
    expect(reasonText(evaluate([nurse, socialWorker]).reason!, t)).toBe('diplômes réglementés à cumuler : DE d’assistant de service social, DE infirmier (au plus 1)');
    expect(evaluate([nurse, need({ ...tuesday, licences: ['de-infirmier'] })]).reason).toMatchObject({ code: 'weeklyUnderMin' });
    const weekdays = need({ ...monday, id: 'weekdays', periods: [{ ...ALL_YEAR, slots: slots('mon-fri 07:00-11:00') }] });
    const weekend = need({ ...tuesday, id: 'weekend', periods: [{ ...ALL_YEAR, slots: slots('sat,sun 07:00-14:00') }] });
    expect(reasonText(evaluate([weekdays, weekend]).reason!, t)).toBe('semaine du 1er janvier : repos hebdomadaire de 20 h < 35 h');
  });
});

describe('choosing the disjoint set', () => {
  it('the integer program finds the better pair of combinations where the greedy pass takes the single best', async () => {
    // Candidates over needs 0–3: {0,1} is worth most alone, {0,2} + {1,3} together more.
    const problem = { values: [10, 9, 9], sets: [[0, 1], [0, 2], [1, 3]] };
    expect(greedyPacking(problem)).toEqual([0]);
    expect(highs(problem)).toEqual([1, 2]);
    expect(packingValue(problem, highs(problem)!)).toBe(18);
  });
});

describe('wording', () => {
  it('writes a ROME label in one gender for running text', () => {
    expect(tradeName('Conducteur / Conductrice de ligne en industrie alimentaire')).toBe('Conducteur de ligne en industrie alimentaire');
    expect(tradeName('Assistant social / Assistante sociale')).toBe('Assistant social');
    expect(tradeName('Agent / Agente d\u2019entretien des espaces verts')).toBe('Agent d\u2019entretien des espaces verts');
    expect(tradeName('Cariste')).toBe('Cariste');
  });
});
