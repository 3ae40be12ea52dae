import { createRequire } from 'node:module';
import { type Font, openSync } from 'fontkit';
import { withFastLayout } from './pdf-shaping.ts';

/**
 * The report PDFs' typeface: Noto Sans (SIL Open Font License 1.1), embedded and subset by
 * pdfkit. It draws the letters of Mooré, Dioula and Fulfulde names (ɛ ɔ ɩ ʋ ŋ ɲ ƴ ɓ ɗ, their
 * capitals, nasal vowels with a combining tilde) that the standard PDF fonts (Windows-1252)
 * printed as `?`.
 */
export type PdfFontStyle = 'regular' | 'bold' | 'italic';

export type PdfFonts = Record<PdfFontStyle, Font>;

const FILES: Record<PdfFontStyle, string> = {
  regular: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
  italic: '@expo-google-fonts/noto-sans/400Regular_Italic/NotoSans_400Regular_Italic.ttf',
};

let loaded: PdfFonts | undefined;

/**
 * The three faces, read and parsed once per process: every document shares the parsed fonts
 * (fontkit's glyph caches, the kerning pairs of pdf-shaping.ts); each document keeps its own
 * subset of the glyphs it draws.
 */
export function pdfFonts(): PdfFonts {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const open = (style: PdfFontStyle): Font => {
    const font = openSync(require.resolve(FILES[style]));
    if (!('layout' in font)) throw new Error(`${FILES[style]} is a font collection`);
    // fontkit keeps the first glyph object it makes for an id, with the characters it was asked
    // for; pdfkit's subsetting asks for the parts of composed glyphs (the dots of "…", the "e" of
    // "é") by id alone, which kept them without characters, and every later PDF of the process
    // lost those letters from its text (copy, search, pdftotext). Each glyph is made first from
    // its character (about 15 ms a face), except the ligatures of the presentation forms block
    // (ﬀ ﬁ ﬂ ﬃ ﬄ): the layout makes those from the letters they join, and made from « ﬀ » they
    // would put « ﬀ » in the text of every « ff » (« Griﬀon »).
    for (const codePoint of font.characterSet) {
      if (!isPresentationForm(codePoint)) font.glyphForCodePoint(codePoint);
    }
    return withFastLayout(font);
  };
  loaded = { regular: open('regular'), bold: open('bold'), italic: open('italic') };
  return loaded;
}

/** Unicode's Alphabetic Presentation Forms (U+FB00–U+FB4F): ligatures the layout makes itself. */
function isPresentationForm(codePoint: number): boolean {
  return codePoint >= 0xfb00 && codePoint <= 0xfb4f;
}
