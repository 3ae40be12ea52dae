// The characters pdfkit's standard fonts can draw (Windows-1252) beyond Latin-1.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/**
 * The standard PDF fonts know Windows-1252 only: other letters lose their accent
 * (`ẽ` → `e`) rather than print as garbage; what is left becomes `?`.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const char of text.replace(/[\u00a0\u202f\u2009]/g, ' ')) {
    const code = char.codePointAt(0)!;
    if ((code >= 32 && code < 127) || (code >= 160 && code < 256) || WIN_ANSI_EXTRA.has(char)) {
      out += char;
      continue;
    }
    if (code < 32) {
      out += ' ';
      continue;
    }
    const base = char.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    out += [...base].every((c) => c.codePointAt(0)! < 256) ? base : '?';
  }
  return out;
}
