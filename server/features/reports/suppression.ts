/**
 * Statistical secrecy of what is published: a count under 5 is shown as « < 5 », so that a person
 * cannot be recognised behind a small figure. When parts add up to a published total, hiding a single
 * part would not be enough (total minus the others gives it back): the smallest other part is hidden
 * too (secondary suppression). Shares are published only when both their terms are.
 */

export const SMALL_COUNT_THRESHOLD = 5;

export const isSmall = (count: number) => count < SMALL_COUNT_THRESHOLD;

/**
 * Which of the parts may be published (true) given that their total is published when `totalShown`:
 * parts under 5 are hidden; if exactly one is hidden, the smallest visible one is hidden as well.
 */
export function publishableParts(parts: number[], totalShown: boolean): boolean[] {
  const shown = parts.map((part) => !isSmall(part));
  if (totalShown && shown.filter((s) => !s).length === 1) {
    let smallest = -1;
    parts.forEach((part, i) => {
      if (shown[i] && (smallest < 0 || part < parts[smallest])) smallest = i;
    });
    if (smallest >= 0) shown[smallest] = false;
  }
  return shown;
}
