import type { Font, Glyph, GlyphPosition, GlyphRun } from 'fontkit';

/**
 * fontkit's OpenType layout costs about 0.2 ms a word, whatever the word: a report of 10 000
 * orders has some 30 000 different words (numbers, dates, phones) and spent most of its time
 * there. Text that needs no shaping beyond kerning (plain Latin, and the letters of Burkina Faso's
 * languages when no combining mark follows them) is laid out here instead: each letter's glyph
 * from the cmap, and the kerning of each pair of letters, asked of fontkit once per process and
 * remembered. A pair that fontkit would change otherwise (a ligature, a substitution, a mark, a
 * vertical shift) sends the whole text to fontkit, as does any combining mark.
 */
export function withFastLayout(font: Font): Font {
  const pairs = new Map<number, number | null>();
  const singles = new Map<number, boolean>();

  /** Whether fontkit lays the letter out alone as its cmap glyph at its own advance. */
  const isPlain = (glyph: Glyph, char: string): boolean => {
    let plain = singles.get(glyph.id);
    if (plain === undefined) {
      const run = font.layout(char);
      plain =
        run.glyphs.length === 1 &&
        run.glyphs[0]!.id === glyph.id &&
        isUnshifted(run.positions[0]!) &&
        run.positions[0]!.xAdvance === glyph.advanceWidth;
      singles.set(glyph.id, plain);
    }
    return plain;
  };

  /** The kerning between two letters, or null when fontkit does more than kern them. */
  const kerning = (left: Glyph, right: Glyph, text: string): number | null => {
    const key = left.id * 0x10000 + right.id;
    let kern = pairs.get(key);
    if (kern === undefined) {
      const run = font.layout(text);
      const [a, b] = run.glyphs;
      const [pa, pb] = run.positions;
      const isKerned =
        run.glyphs.length === 2 &&
        a!.id === left.id &&
        b!.id === right.id &&
        isUnshifted(pa!) &&
        isUnshifted(pb!) &&
        pb!.xAdvance === right.advanceWidth;
      kern = isKerned ? pa!.xAdvance - left.advanceWidth : null;
      pairs.set(key, kern);
    }
    return kern;
  };

  const layout = (text: string, features?: string[] | Record<string, boolean>): GlyphRun => {
    if (features !== undefined || COMBINING.test(text)) return font.layout(text, features);
    const chars = Array.from(text);
    const glyphs = chars.map((char) => font.glyphForCodePoint(char.codePointAt(0)!));
    for (let index = 0; index < glyphs.length; index += 1) {
      if (!isPlain(glyphs[index]!, chars[index]!)) return font.layout(text);
    }
    const positions: GlyphPosition[] = [];
    let advanceWidth = 0;
    for (let index = 0; index < glyphs.length; index += 1) {
      let xAdvance = glyphs[index]!.advanceWidth;
      if (index + 1 < glyphs.length) {
        const kern = kerning(glyphs[index]!, glyphs[index + 1]!, chars[index]! + chars[index + 1]!);
        if (kern === null) return font.layout(text);
        xAdvance += kern;
      }
      positions.push({ xAdvance, yAdvance: 0, xOffset: 0, yOffset: 0 });
      advanceWidth += xAdvance;
    }
    // pdfkit reads glyphs, positions and advanceWidth only.
    return { glyphs, positions, advanceWidth } as GlyphRun;
  };

  // Everything but layout is the font itself, called on the font (its getters cache on it).
  return new Proxy(font, {
    get(target, property) {
      if (property === 'layout') return layout;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const COMBINING = /\p{M}/u;

function isUnshifted(position: GlyphPosition): boolean {
  return position.xOffset === 0 && position.yOffset === 0 && position.yAdvance === 0;
}
