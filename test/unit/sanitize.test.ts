import { describe, expect, it } from 'vitest';
import { descriptionText, sanitizeDescription } from '../../server/features/offers/sanitize.js';

// Classic payloads (OWASP XSS filter evasion cheat sheet and friends). None may survive as markup
// that runs script, loads a resource or carries an event handler.
const PAYLOADS = [
  '<script>alert(1)</script>',
  '<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<body onload=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">clic</a>',
  '<a href="JaVaScRiPt:alert(1)">clic</a>',
  '<a href="jav&#x09;ascript:alert(1)">clic</a>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">clic</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">clic</a>',
  '<a href="vbscript:msgbox(1)">clic</a>',
  '<a href="//evil.example">protocole relatif</a>',
  '<p style="background:url(javascript:alert(1))">texte</p>',
  '<p onclick="alert(1)">texte</p>',
  '<div onmouseover="alert(1)">texte</div>',
  '<style>@import "//evil.example/x.css";</style>',
  '<link rel=stylesheet href=//evil.example/x.css>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<input onfocus=alert(1) autofocus>',
  '<details open ontoggle=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '"><script>alert(1)</script>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<a href="https://ok.example" onclick="alert(1)">lien</a>',
  '<template><script>alert(1)</script></template>',
  '<base href="javascript:alert(1)//">',
];

/** Parses the sanitised output the way a browser tokenizer would care about, without a DOM. */
function dangerous(html: string): string[] {
  const problems: string[] = [];
  if (/<\s*(script|style|iframe|object|embed|svg|math|img|link|meta|base|form|input|button|body|details|template|noscript)\b/i.test(html)) problems.push('forbidden tag');
  if (/\son\w+\s*=/i.test(html)) problems.push('event handler');
  if (/\sstyle\s*=/i.test(html)) problems.push('inline style');
  for (const match of html.matchAll(/href="([^"]*)"/g)) {
    if (!/^(https?:\/\/|mailto:)/i.test(match[1])) problems.push(`href ${match[1]}`);
  }
  return problems;
}

describe('offer description sanitiser', () => {
  it.each(PAYLOADS)('neutralises %s', (payload) => {
    const clean = sanitizeDescription(`<p>Intro</p>${payload}<p>Fin</p>`);
    expect(dangerous(clean)).toEqual([]);
    expect(clean).toContain('<p>Intro</p>');
  });

  it('drops a closed dangerous element without eating what follows (an unclosed <style> may)', () => {
    expect(sanitizeDescription('<p>Intro</p><script>alert(1)</script><iframe src="x"></iframe><p>Fin</p>')).toBe('<p>Intro</p><p>Fin</p>');
  });

  it('keeps the structure employers need, and marks links as untrusted', () => {
    const html =
      '<h2>Vos missions</h2><ul><li><strong>Accueil</strong> des <em>skieurs</em></li></ul><p>Voir <a href="https://station.example/emplois">le site</a> ou <a href="mailto:rh@station.example">écrire</a>.</p>';
    expect(sanitizeDescription(html)).toBe(
      '<h3>Vos missions</h3><ul><li><strong>Accueil</strong> des <em>skieurs</em></li></ul><p>Voir <a href="https://station.example/emplois" rel="nofollow noopener noreferrer ugc">le site</a> ou <a href="mailto:rh@station.example" rel="nofollow noopener noreferrer ugc">écrire</a>.</p>',
    );
  });

  it('keeps text, escaped, when markup is not allowed', () => {
    expect(sanitizeDescription('<p>Salaire > 2 000 € & logement</p>')).toBe('<p>Salaire &gt; 2 000 € &amp; logement</p>');
    expect(sanitizeDescription('<div><span class="x">Texte</span></div>')).toBe('Texte');
  });

  it('gives the plain text for length checks and search', () => {
    expect(descriptionText('<h3>Missions</h3><ul><li>Damer</li><li>Baliser</li></ul><script>x()</script>')).toBe('MissionsDamerBaliser');
  });
});
