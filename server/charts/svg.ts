// Server-rendered charts, readable without JavaScript: role="img" with a <title> and a <desc> the
// chart points at (aria-labelledby), each mark with its own <title>; pages put the same figures in a
// data table beside (the table is the reference, the chart a reading aid). Presentation attributes
// only: the CSP forbids style attributes. Colours carry white text at 4.5:1 and differ in lightness,
// and series are also told apart by their legend and the marks' titles, never by colour alone.

export const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const round = (n: number) => Math.round(n * 10) / 10;

export const SERIES_COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0f766e', '#4b5563'];

export interface Series {
  label: string;
  values: number[];
}

export interface ChartText {
  /** Unique within the page (ids of the title and description). */
  id: string;
  title: string;
  description: string;
  /** How a value reads in a mark's title: « 12 » → « 12 embauches ». */
  format?: (value: number) => string;
}

/** A round upper bound of the axis (1, 2, 5 × 10^n) and its ticks. */
function axis(max: number): { top: number; ticks: number[] } {
  if (max <= 0) return { top: 1, ticks: [0, 1] };
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => max / s <= 5) ?? 10 * magnitude;
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) ticks.push(round(v));
  return { top, ticks };
}

function open(kind: string, text: ChartText, width: number, height: number): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--${kind}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${text.id}-titre ${text.id}-desc" focusable="false">`,
    `<title id="${text.id}-titre">${escapeXml(text.title)}</title><desc id="${text.id}-desc">${escapeXml(text.description)}</desc>`,
  ];
}

function legend(series: Series[], x: number, y: number): string[] {
  if (series.length < 2) return [];
  let offset = x;
  return series.flatMap((s, i) => {
    const parts = [
      `<rect x="${offset}" y="${y - 10}" width="12" height="12" fill="${SERIES_COLOURS[i % SERIES_COLOURS.length]}"/>`,
      `<text x="${offset + 16}" y="${y}" font-size="12" fill="#111827">${escapeXml(s.label)}</text>`,
    ];
    offset += 28 + s.label.length * 6.5;
    return parts;
  });
}

/**
 * Horizontal bars, one row per category; several series are stacked in each row (parts of one
 * whole, e.g. hires by contract and attribution).
 */
export function horizontalBarsSvg(text: ChartText, categories: string[], series: Series[]): string {
  const format = text.format ?? String;
  const labelWidth = Math.min(260, 24 + Math.max(...categories.map((c) => c.length), 4) * 6.6);
  const plot = 420;
  const row = 26;
  const top = series.length > 1 ? 30 : 8;
  const width = labelWidth + plot + 70;
  const height = top + categories.length * row + 26;
  const totals = categories.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const { top: max, ticks } = axis(Math.max(...totals, 0));
  const x = (v: number) => round(labelWidth + (v / max) * plot);
  const parts = open('bars', text, width, height);
  parts.push(...legend(series, labelWidth, 16));
  for (const tick of ticks) {
    parts.push(`<line x1="${x(tick)}" y1="${top}" x2="${x(tick)}" y2="${height - 22}" stroke="#e5e7eb" stroke-width="1"/>`);
    parts.push(`<text x="${x(tick)}" y="${height - 8}" text-anchor="middle" font-size="11" fill="#374151">${escapeXml(format(tick))}</text>`);
  }
  categories.forEach((category, i) => {
    const y = top + i * row;
    parts.push(`<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end" font-size="12" fill="#111827">${escapeXml(category)}</text>`);
    let start = 0;
    series.forEach((s, k) => {
      const value = s.values[i] ?? 0;
      if (value > 0) {
        const label = series.length > 1 ? `${category}, ${s.label} : ${format(value)}` : `${category} : ${format(value)}`;
        parts.push(`<rect x="${x(start)}" y="${y + 4}" width="${Math.max(1, round(x(start + value) - x(start)))}" height="${row - 8}" fill="${SERIES_COLOURS[k % SERIES_COLOURS.length]}"><title>${escapeXml(label)}</title></rect>`);
      }
      start += value;
    });
    parts.push(`<text x="${x(totals[i]) + 6}" y="${y + 17}" font-size="12" fill="#111827">${escapeXml(format(round(totals[i])))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/**
 * Values over time, one line per series (offers published and hires week by week…), or columns for a
 * single series (`columns`: views per day). `ticks` names the categories to print under the axis.
 */
export function timeSeriesSvg(text: ChartText, categories: string[], series: Series[], options: { columns?: boolean; tickEvery?: number } = {}): string {
  const format = text.format ?? String;
  const left = 44;
  const top = series.length > 1 ? 30 : 10;
  const step = Math.max(6, Math.min(40, Math.floor(640 / Math.max(categories.length, 1))));
  const plotHeight = 170;
  const width = left + step * categories.length + 16;
  const height = top + plotHeight + 30;
  const { top: max, ticks } = axis(Math.max(0, ...series.flatMap((s) => s.values)));
  const y = (v: number) => round(top + plotHeight - (v / max) * plotHeight);
  const parts = open(options.columns ? 'columns' : 'lines', text, width, height);
  parts.push(...legend(series, left, 16));
  for (const tick of ticks) {
    parts.push(`<line x1="${left}" y1="${y(tick)}" x2="${width - 8}" y2="${y(tick)}" stroke="#e5e7eb" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end" font-size="11" fill="#374151">${escapeXml(format(tick))}</text>`);
  }
  const every = options.tickEvery ?? Math.max(1, Math.ceil(categories.length / 12));
  categories.forEach((category, i) => {
    if (i % every === 0) parts.push(`<text x="${left + i * step + step / 2}" y="${height - 10}" text-anchor="middle" font-size="10" fill="#374151">${escapeXml(category)}</text>`);
  });
  series.forEach((s, k) => {
    const colour = SERIES_COLOURS[k % SERIES_COLOURS.length];
    if (options.columns) {
      s.values.forEach((value, i) => {
        parts.push(`<rect x="${left + i * step + 1}" y="${y(value)}" width="${Math.max(1, step - 2)}" height="${round(top + plotHeight - y(value))}" fill="${colour}"><title>${escapeXml(`${categories[i]} : ${format(value)}`)}</title></rect>`);
      });
      return;
    }
    const points = s.values.map((value, i) => `${left + i * step + step / 2},${y(value)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"${k % 2 === 1 ? ' stroke-dasharray="6 3"' : ''}/>`);
    s.values.forEach((value, i) => {
      parts.push(`<circle cx="${left + i * step + step / 2}" cy="${y(value)}" r="2.5" fill="${colour}"><title>${escapeXml(`${s.label}, ${categories[i]} : ${format(value)}`)}</title></circle>`);
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
