import { describe, expect, it } from 'vitest';
import { horizontalBarsSvg, timeSeriesSvg } from '../../server/charts/svg.js';

describe('server-rendered charts', () => {
  const text = { id: 'g1', title: 'Embauches <par> contrat', description: 'Les chiffres du tableau « Embauches » à côté.' };

  it('are images named by their title and description, with a title on every mark, text escaped', () => {
    const svg = horizontalBarsSvg(text, ['CDI', 'CDD & saison'], [
      { label: 'Site', values: [3, 0] },
      { label: 'Déclarées', values: [1, 2] },
    ]);
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="g1-titre g1-desc"/);
    expect(svg).toContain('<title id="g1-titre">Embauches &lt;par&gt; contrat</title>');
    expect(svg).toContain('<desc id="g1-desc">');
    // Three marks (a zero draws nothing), each with its own title; the legend names both series.
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(3);
    expect(svg).toContain('<title>CDD &amp; saison, Déclarées : 2</title>');
    expect(svg).not.toContain('style=');
  });

  it('draw one line per series over time, or columns for one series', () => {
    const lines = timeSeriesSvg({ ...text, id: 'g2' }, ['S1', 'S2', 'S3'], [
      { label: 'Offres', values: [1, 4, 2] },
      { label: 'Embauches', values: [0, 1, 1] },
    ]);
    expect(lines.match(/<polyline/g)).toHaveLength(2);
    expect(lines.match(/<circle [^>]*><title>/g)).toHaveLength(6);
    const columns = timeSeriesSvg({ ...text, id: 'g3' }, ['1', '2'], [{ label: 'Vues', values: [5, 7] }], { columns: true });
    expect(columns.match(/<rect [^>]*><title>/g)).toHaveLength(2);
  });
});
