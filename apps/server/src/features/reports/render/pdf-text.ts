import { pdfFonts } from './pdf-fonts.ts';

const drawable = new Map<number, boolean>();

/** Whether every face has a glyph for the code point (remembered: a list repeats its letters). */
function isDrawable(codePoint: number): boolean {
  let known = drawable.get(codePoint);
  if (known === undefined) {
    const fonts = pdfFonts();
    known =
      fonts.regular.hasGlyphForCodePoint(codePoint) &&
      fonts.bold.hasGlyphForCodePoint(codePoint) &&
      fonts.italic.hasGlyphForCodePoint(codePoint);
    drawable.set(codePoint, known);
  }
  return known;
}

// Plain printable Latin-1 text, the common case, needs no change.
const PLAIN = /^[\u0020-\u007e\u00a1-\u00ff]*$/;
const SPACES = /[\u00a0\u202f\u2009]/g;

/**
 * Text as a report cell draws it on one line: composed (NFC, so `e` + combining tilde is one
 * letter where Unicode has one), control characters and line breaks as spaces, the French
 * number format's narrow no-break spaces as spaces, and anything the font lacks (emoji, other
 * scripts) as `?` rather than an empty box.
 */
export function pdfText(text: string): string {
  if (PLAIN.test(text)) return text;
  let out = '';
  for (const char of text.normalize('NFC').replace(SPACES, ' ')) {
    const code = char.codePointAt(0)!;
    if (code < 32 || (code >= 127 && code < 160)) out += ' ';
    else out += isDrawable(code) ? char : '?';
  }
  return out;
}
