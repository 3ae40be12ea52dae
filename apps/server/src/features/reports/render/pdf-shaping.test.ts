import { createRequire } from 'node:module';
import { type Font, openSync } from 'fontkit';
import { describe, expect, it } from 'vitest';
import { pdfFonts } from './pdf-fonts.ts';

const SAMPLES = [
  'CMD-20261207-0042',
  '07/12/2026 09:53',
  '+226 70 12 34 56',
  'Boutique "Le Faso"; Secteur 5',
  'AVATAR Tâche Wa Yo',
  "Chiffre d'affaires",
  'Kɔɔgo Wɛndpãnga – Ŋɔgo',
  'ƐƆƖƲŊƝƳƁƊ ɛɔɩʋŋɲƴɓɗ',
  'ɛ̃ɔ̃ office ﬁn',
  'Lait caillé … 3 000 FCFA',
];

/** What fontkit's own OpenType layout gives: glyphs and where each one goes. */
function reference(style: 'regular' | 'bold' | 'italic'): Font {
  const require = createRequire(import.meta.url);
  const file = {
    regular: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
    bold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
    italic: '@expo-google-fonts/noto-sans/400Regular_Italic/NotoSans_400Regular_Italic.ttf',
  }[style];
  return openSync(require.resolve(file)) as Font;
}

function placed(font: Font, text: string) {
  const run = font.layout(text);
  return {
    glyphs: run.glyphs.map((glyph) => glyph.id),
    positions: run.positions.map((p) => [p.xAdvance, p.xOffset, p.yOffset]),
    advanceWidth: run.advanceWidth,
  };
}

describe('report PDF text layout', () => {
  it.each(['regular', 'bold', 'italic'] as const)('lays text out as OpenType shaping does (%s)', (style) => {
    const fast = pdfFonts()[style];
    const slow = reference(style);
    for (const text of SAMPLES) {
      // Twice: the second time from the kerning pairs it remembered.
      expect(placed(fast, text), text).toEqual(placed(slow, text));
      expect(placed(fast, text), text).toEqual(placed(slow, text));
    }
  });
});
