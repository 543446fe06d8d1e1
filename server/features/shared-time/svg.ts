import { clock } from './engine/calendar.js';

// Server-rendered charts, accessible without JavaScript: role="img" with a <title> and a <desc> the
// chart points at (aria-labelledby), each mark with its own <title>; the page puts the same figures in
// a data table beside. Only presentation attributes (no style attribute: the CSP forbids inline styles).

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const round = (n: number) => Math.round(n * 10) / 10;

/** One colour per employer: each carries white text at 4.5:1 or more. */
export const EMPLOYER_COLOURS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0f766e'];

export interface TimetableBlock {
  day: number;
  start: number;
  end: number;
  /** Index in EMPLOYER_COLOURS; -1 for a trip between two sites. */
  colour: number;
  label: string;
  /** Short text drawn inside a block tall enough for it. */
  short: string;
}

/**
 * A weekly timetable: seven columns (Monday first), hours down, one block per slot in its employer's
 * colour and hatched grey blocks for the trips between sites.
 */
export function timetableSvg(id: string, title: string, description: string, dayNames: string[], blocks: TimetableBlock[]): string {
  const first = Math.max(0, Math.floor(Math.min(...blocks.map((b) => b.start), 8 * 60) / 60) - 1);
  const last = Math.min(24, Math.ceil(Math.max(...blocks.map((b) => b.end), 18 * 60) / 60) + 1);
  const left = 46;
  const top = 28;
  const column = 92;
  const hour = 26;
  const width = left + column * 7 + 4;
  const height = top + (last - first) * hour + 4;
  const y = (minutes: number) => round(top + ((minutes - first * 60) / 60) * hour);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--timetable" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-titre ${id}-desc" focusable="false">`);
  parts.push(`<title id="${id}-titre">${escape(title)}</title><desc id="${id}-desc">${escape(description)}</desc>`);
  parts.push(`<defs><pattern id="${id}-trajet" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#e5e7eb"/><line x1="0" y1="0" x2="0" y2="6" stroke="#6b7280" stroke-width="2"/></pattern></defs>`);
  for (let h = first; h <= last; h++) {
    parts.push(`<line x1="${left}" y1="${y(h * 60)}" x2="${width - 4}" y2="${y(h * 60)}" stroke="#d1d5db" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${y(h * 60) + 4}" text-anchor="end" font-size="11" fill="#374151">${String(h).padStart(2, '0')}h</text>`);
  }
  dayNames.forEach((name, d) => {
    parts.push(`<text x="${left + d * column + column / 2}" y="${top - 10}" text-anchor="middle" font-size="12" font-weight="bold" fill="#111827">${escape(name)}</text>`);
    parts.push(`<line x1="${left + d * column}" y1="${top}" x2="${left + d * column}" y2="${height - 4}" stroke="#d1d5db" stroke-width="1"/>`);
  });
  for (const block of blocks) {
    const x = left + block.day * column + 3;
    const y0 = y(block.start);
    const h = Math.max(2, y(block.end) - y0);
    const fill = block.colour < 0 ? `url(#${id}-trajet)` : EMPLOYER_COLOURS[block.colour % EMPLOYER_COLOURS.length];
    parts.push(`<g><title>${escape(block.label)}</title><rect x="${x}" y="${y0}" width="${column - 6}" height="${round(h)}" rx="3" fill="${fill}"${block.colour < 0 ? ' stroke="#6b7280" stroke-width="1"' : ''}/>`);
    if (block.colour >= 0 && h >= 30) {
      parts.push(`<text x="${x + 4}" y="${y0 + 13}" font-size="11" fill="#ffffff">${escape(`${clock(block.start)}–${clock(block.end)}`)}</text>`);
      parts.push(`<text x="${x + 4}" y="${y0 + 26}" font-size="11" fill="#ffffff">${escape(block.short.slice(0, 14))}</text>`);
    }
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}

/**
 * The 52-week hours profile: one bar per week, with the weekly bounds drawn as lines (the weekly
 * regime's minimum and maximum, and the legal weekly maximum).
 */
export function weeklyProfileSvg(id: string, title: string, description: string, weeklyHours: number[], lines: { hours: number; label: string }[], monthNames: string[]): string {
  const left = 36;
  const top = 12;
  const bar = 12;
  const chartHeight = 170;
  const width = left + bar * weeklyHours.length + 8;
  const height = top + chartHeight + 26;
  const max = Math.max(50, ...weeklyHours, ...lines.map((l) => l.hours)) * 1.05;
  const y = (hours: number) => round(top + chartHeight - (hours / max) * chartHeight);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--profile" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-titre ${id}-desc" focusable="false">`);
  parts.push(`<title id="${id}-titre">${escape(title)}</title><desc id="${id}-desc">${escape(description)}</desc>`);
  for (const tick of [0, 10, 20, 30, 40, 50]) {
    parts.push(`<line x1="${left}" y1="${y(tick)}" x2="${width - 8}" y2="${y(tick)}" stroke="#e5e7eb" stroke-width="1"/>`);
    parts.push(`<text x="${left - 4}" y="${y(tick) + 4}" text-anchor="end" font-size="10" fill="#374151">${tick}</text>`);
  }
  weeklyHours.forEach((hours, week) => {
    const y0 = y(hours);
    parts.push(`<rect x="${left + week * bar + 1}" y="${y0}" width="${bar - 2}" height="${round(top + chartHeight - y0)}" fill="#1d4ed8"><title>${escape(`S${week + 1} : ${round(hours)} h`)}</title></rect>`);
  });
  for (const line of lines) {
    parts.push(`<line x1="${left}" y1="${y(line.hours)}" x2="${width - 8}" y2="${y(line.hours)}" stroke="#b91c1c" stroke-width="1.5" stroke-dasharray="5 3"><title>${escape(line.label)}</title></line>`);
  }
  monthNames.forEach((name, month) => {
    const x = left + ((month * 52) / 12) * bar;
    parts.push(`<text x="${round(x + 2)}" y="${height - 8}" font-size="10" fill="#374151">${escape(name.slice(0, 4))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

const HEAT = ['#f3f4f6', '#dbeafe', '#93c5fd', '#3b82f6', '#1d4ed8', '#1e3a8a'];

/** Twelve cells, January to December, darker with more declared hours; `compact` for a table row. */
export function heatStripSvg(id: string, title: string, monthHours: number[], monthNames: string[], compact = false): string {
  const max = Math.max(...monthHours, 1);
  const cell = compact ? 10 : 44;
  const height = compact ? 12 : 46;
  const width = cell * 12;
  const parts: string[] = [];
  const description = monthHours.map((h, m) => `${monthNames[m]} ${Math.round(h)} h`).join(', ');
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--heat${compact ? ' chart--heat-compact' : ''}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-titre ${id}-desc" focusable="false">`);
  parts.push(`<title id="${id}-titre">${escape(title)}</title><desc id="${id}-desc">${escape(description)}</desc>`);
  monthHours.forEach((hours, month) => {
    const level = hours <= 0 ? 0 : Math.min(HEAT.length - 1, 1 + Math.floor((hours / max) * (HEAT.length - 2) + 1e-9));
    parts.push(`<rect x="${month * cell}" y="0" width="${cell - 1}" height="${compact ? height : 30}" fill="${HEAT[level]}"><title>${escape(`${monthNames[month]} : ${Math.round(hours)} h`)}</title></rect>`);
    if (!compact) parts.push(`<text x="${month * cell + cell / 2}" y="44" text-anchor="middle" font-size="10" fill="#374151">${escape(monthNames[month].slice(0, 3))}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
