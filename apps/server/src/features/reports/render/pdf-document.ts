import PDFDocument from 'pdfkit';
import { pdfFonts } from './pdf-fonts.ts';
import { pdfText } from './pdf-text.ts';
import { forgetLayouts, LAYOUT_CACHE_PAGES, releaseWrittenPage } from './writer-memory.ts';

export type PdfAlign = 'left' | 'right' | 'center';

/** A table column: `width` is a weight, shared out over the width of the page. */
export type PdfColumn<T> = { header: string; width: number; align?: PdfAlign; value: (row: T) => string };

/** `maxWidth` in points: short summary tables read better narrower than the page. */
export type TableOptions = { maxWidth?: number };

export type ReportPdfOptions = {
  businessName: string;
  title: string;
  /** Shown under the title: `Site : …`, `Période : …`. */
  meta: { label: string; value: string }[];
  /** Already formatted for people (`21/11/2026 14:05`). */
  generatedAt: string;
  landscape?: boolean;
  /**
   * Keep every page until the end to number them `Page 3 / 12`. Off for long lists: pages are
   * then written out as soon as they are full and numbered `Page 3`, so memory stays flat.
   */
  bufferPages: boolean;
};

const MARGIN = 36;
const FOOTER_HEIGHT = 22;
const BRAND = '#14532d';
const INK = '#1f2933';
const MUTED = '#6b7280';
const RULE = '#d1d5db';
const STRIPE = '#f3f6f4';
const BOX = '#eef4f0';
// Names the fonts are registered under in each document (render/pdf-fonts.ts).
const FONT = 'NotoSans';
const BOLD = 'NotoSans-Bold';
const ITALIC = 'NotoSans-Italic';
/**
 * Noto Sans's ascender is taller than Helvetica's (1069 against 718 per 1000): text is placed by
 * its top, so each line is raised by the difference to keep the baselines the layout was drawn for.
 */
const HELVETICA_ASCENDER = 718;
const ROW_HEIGHT = 15;
const HEADER_HEIGHT = 18;
const CELL_PADDING = 4;
// Noto Sans sets about 5 % wider than Helvetica did at 8 points (and its x-height is a little
// taller): at 7.6 a column holds the same text as before, and it reads the same size.
const TABLE_FONT_SIZE = 7.6;

/**
 * An A4 report on pdfkit: letterhead on the first page, a running header on the next ones,
 * a footer with the page number, and tables that continue on a new page with their header
 * repeated. Pages break only where this class decides, never in the middle of a row.
 */
export class ReportPdf {
  readonly output: PDFKit.PDFDocument;
  private y = MARGIN;
  private pageNumber = 1;
  private pen: { font?: string; size?: number; color?: string } = {};
  private readonly widths = new Map<string, number>();
  private readonly left = MARGIN;
  private readonly right: number;
  private readonly bottom: number;
  /** Per point of font size: how far to move a line's top so its baseline stays put. */
  private readonly baselineShift: number;

  constructor(private readonly options: ReportPdfOptions) {
    this.output = new PDFDocument({
      size: 'A4',
      layout: options.landscape ? 'landscape' : 'portrait',
      margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
      bufferPages: options.bufferPages,
      info: {
        Title: `${options.title} — ${options.businessName}`,
        Author: options.businessName,
        Creator: 'Gapal',
      },
    });
    const fonts = pdfFonts();
    // pdfkit takes a parsed fontkit font as it is (its types only list files and buffers).
    this.output.registerFont(FONT, fonts.regular as unknown as Buffer);
    this.output.registerFont(BOLD, fonts.bold as unknown as Buffer);
    this.output.registerFont(ITALIC, fonts.italic as unknown as Buffer);
    this.baselineShift =
      (HELVETICA_ASCENDER - fonts.regular.ascent * (1000 / fonts.regular.unitsPerEm)) / 1000;
    this.right = this.output.page.width - MARGIN;
    this.bottom = this.output.page.height - MARGIN - FOOTER_HEIGHT;
    this.drawLetterhead();
  }

  private get width(): number {
    return this.right - this.left;
  }

  /** A section heading, kept on the same page as the start of what follows it. */
  section(title: string, keepWithNext = 70): void {
    this.ensureSpace(24 + keepWithNext);
    this.y += 8;
    this.draw(title, this.left, this.y, { font: BOLD, size: 11, color: BRAND });
    this.y += 18;
  }

  /** Key figures as boxes, four to a row. */
  keyFigures(figures: { label: string; value: string }[], perRow = 4): void {
    const gap = 8;
    const boxWidth = (this.width - gap * (perRow - 1)) / perRow;
    const boxHeight = 38;
    for (let index = 0; index < figures.length; index += perRow) {
      this.ensureSpace(boxHeight + gap);
      figures.slice(index, index + perRow).forEach((figure, column) => {
        const x = this.left + column * (boxWidth + gap);
        this.fillShape(this.output.roundedRect(x, this.y, boxWidth, boxHeight, 3), BOX);
        this.draw(figure.label.toUpperCase(), x + 8, this.y + 7, {
          size: 7,
          color: MUTED,
          width: boxWidth - 16,
        });
        this.draw(figure.value, x + 8, this.y + 19, {
          font: BOLD,
          size: 12,
          color: INK,
          width: boxWidth - 16,
        });
      });
      this.y += boxHeight + gap;
    }
  }

  /** A line of small text (a note under a table, an empty-state message). */
  note(text: string): void {
    this.ensureSpace(14);
    this.draw(text, this.left, this.y + 2, {
      font: ITALIC,
      size: 8,
      color: MUTED,
      width: this.width,
    });
    this.y += 14;
  }

  /** A whole table from rows in memory. */
  table<T>(
    columns: PdfColumn<T>[],
    rows: Iterable<T>,
    options: TableOptions & { total?: T; empty?: string } = {},
  ): void {
    const writer = this.beginTable(columns, options);
    let count = 0;
    for (const row of rows) {
      writer.row(row);
      count += 1;
    }
    if (count === 0) {
      writer.end();
      this.note(options.empty ?? 'Aucune donnée.');
      return;
    }
    if (options.total) writer.row(options.total, { bold: true });
    writer.end();
  }

  /** A table fed row by row (streamed lists). */
  beginTable<T>(
    columns: PdfColumn<T>[],
    options: TableOptions = {},
  ): { row(row: T, style?: { bold?: boolean }): void; end(): void } {
    const tableWidth = Math.min(this.width, options.maxWidth ?? this.width);
    const tableRight = this.left + tableWidth;
    const totalWeight = columns.reduce((sum, column) => sum + column.width, 0);
    const widths = columns.map((column) => (column.width / totalWeight) * tableWidth);
    let striped = false;
    const drawHeader = () => {
      this.fillShape(this.output.rect(this.left, this.y, tableWidth, HEADER_HEIGHT), BRAND);
      let x = this.left;
      columns.forEach((column, index) => {
        this.cell(column.header, x, this.y, widths[index]!, HEADER_HEIGHT, column.align, BOLD, '#ffffff');
        x += widths[index]!;
      });
      this.y += HEADER_HEIGHT;
      striped = false;
    };
    this.ensureSpace(HEADER_HEIGHT + ROW_HEIGHT * 2);
    drawHeader();
    return {
      row: (row, style = {}) => {
        if (this.y + ROW_HEIGHT > this.bottom) {
          this.newPage();
          drawHeader();
        }
        if (style.bold) {
          this.output.moveTo(this.left, this.y).lineTo(tableRight, this.y).lineWidth(0.8).stroke(INK);
        } else if (striped) {
          this.fillShape(this.output.rect(this.left, this.y, tableWidth, ROW_HEIGHT), STRIPE);
        }
        striped = !striped;
        let x = this.left;
        columns.forEach((column, index) => {
          this.cell(
            column.value(row),
            x,
            this.y,
            widths[index]!,
            ROW_HEIGHT,
            column.align,
            style.bold ? BOLD : FONT,
            INK,
          );
          x += widths[index]!;
        });
        this.y += ROW_HEIGHT;
      },
      end: () => {
        this.output.moveTo(this.left, this.y).lineTo(tableRight, this.y).lineWidth(0.5).stroke(RULE);
        this.y += 8;
      },
    };
  }

  /** Finishes the document; the output stream ends once the last page is written. */
  end(): void {
    if (this.options.bufferPages) {
      const range = this.output.bufferedPageRange();
      for (let index = 0; index < range.count; index += 1) {
        this.output.switchToPage(range.start + index);
        this.pen = {};
        this.drawFooter(index + 1, range.count);
      }
    } else {
      this.drawFooter(this.pageNumber, null);
    }
    this.output.end();
  }

  private ensureSpace(height: number): void {
    if (this.y + height > this.bottom) this.newPage();
  }

  private newPage(): void {
    const ended = this.output.page.dictionary;
    if (!this.options.bufferPages) this.drawFooter(this.pageNumber, null);
    this.output.addPage();
    if (!this.options.bufferPages) releaseWrittenPage(ended);
    // A new page starts with the default graphics state.
    this.pen = {};
    this.pageNumber += 1;
    if (this.pageNumber % LAYOUT_CACHE_PAGES === 0) forgetLayouts(this.output);
    this.drawRunningHeader();
  }

  private drawLetterhead(): void {
    const doc = this.output;
    this.fillShape(doc.rect(0, 0, doc.page.width, 6), BRAND);
    this.draw(this.options.businessName, this.left, MARGIN, { font: BOLD, size: 18, color: BRAND });
    this.draw(`Généré le ${this.options.generatedAt}`, this.left, MARGIN + 4, {
      size: 8,
      color: MUTED,
      width: this.width,
      align: 'right',
    });
    this.draw(this.options.title, this.left, MARGIN + 26, { font: BOLD, size: 13, color: INK });
    let y = MARGIN + 46;
    for (const item of this.options.meta) {
      this.draw(`${item.label} :`, this.left, y, { font: BOLD, size: 9, color: MUTED });
      this.draw(item.value, this.left + 60, y, { size: 9, color: INK, width: this.width - 60 });
      y += 13;
    }
    doc
      .moveTo(this.left, y + 4)
      .lineTo(this.right, y + 4)
      .lineWidth(1)
      .stroke(BRAND);
    this.y = y + 14;
  }

  private drawRunningHeader(): void {
    const period = this.options.meta.map((item) => item.value).join(' · ');
    this.draw(`${this.options.businessName} · ${this.options.title}`, this.left, MARGIN, {
      font: BOLD,
      size: 8,
      color: BRAND,
    });
    this.draw(period, this.left, MARGIN, { size: 8, color: MUTED, width: this.width, align: 'right' });
    this.output
      .moveTo(this.left, MARGIN + 13)
      .lineTo(this.right, MARGIN + 13)
      .lineWidth(0.5)
      .stroke(RULE);
    this.y = MARGIN + 22;
  }

  private drawFooter(page: number, total: number | null): void {
    const doc = this.output;
    // Text below the bottom margin would make pdfkit open a page of its own.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 10;
    doc
      .moveTo(this.left, y - 5)
      .lineTo(this.right, y - 5)
      .lineWidth(0.5)
      .stroke(RULE);
    this.draw(
      `${this.options.businessName} · ${this.options.title} · généré le ${this.options.generatedAt}`,
      this.left,
      y,
      {
        size: 7.5,
        color: MUTED,
        width: this.width - 80,
      },
    );
    this.draw(total === null ? `Page ${page}` : `Page ${page} / ${total}`, this.left, y, {
      size: 7.5,
      color: MUTED,
      width: this.width,
      align: 'right',
    });
    doc.page.margins.bottom = margin;
  }

  /**
   * Widths are cached: a long list repeats the same statuses, amounts and names. A few pages'
   * worth is enough (50 000 cost 5 MB of heap for no fewer measurements: order numbers never repeat).
   */
  private widthOf(text: string, font: string, size: number): number {
    const key = `${font}|${size}|${text}`;
    let width = this.widths.get(key);
    if (width === undefined) {
      width = this.output.widthOfString(text);
      if (this.widths.size > 5_000) this.widths.clear();
      this.widths.set(key, width);
    }
    return width;
  }

  /** Fills a shape; the fill colour is also the text colour in PDF, so the pen forgets it. */
  private fillShape(shape: PDFKit.PDFDocument, color: string): void {
    shape.fill(color);
    this.pen.color = undefined;
  }

  private cell(
    text: string,
    x: number,
    y: number,
    width: number,
    height: number,
    align: PdfAlign = 'left',
    font: string,
    color: string,
  ): void {
    this.draw(text, x + CELL_PADDING, y + (height - TABLE_FONT_SIZE) / 2 + 0.5, {
      font,
      size: TABLE_FONT_SIZE,
      color,
      width: width - CELL_PADDING * 2,
      align,
    });
  }

  /**
   * One line of text, cut with an ellipsis to fit `width`. Placed by hand rather than through
   * pdfkit's line wrapper: it is much faster for the thousands of cells of a long list.
   */
  private draw(
    raw: string | null | undefined,
    x: number,
    y: number,
    style: { font?: string; size: number; color: string; width?: number; align?: PdfAlign },
  ): void {
    const doc = this.output;
    const font = style.font ?? FONT;
    // pdfkit writes font and colour operators on every call: set them only when they change.
    if (font !== this.pen.font || style.size !== this.pen.size) doc.font(font).fontSize(style.size);
    if (style.color !== this.pen.color) doc.fillColor(style.color);
    this.pen = { font, size: style.size, color: style.color };
    let text = pdfText(raw ?? '');
    let textWidth = this.widthOf(text, font, style.size);
    if (style.width !== undefined && textWidth > style.width) {
      text = fitText(doc, text, style.width);
      textWidth = this.widthOf(text, font, style.size);
    }
    let left = x;
    if (style.width !== undefined && style.align === 'right') left = x + style.width - textWidth;
    if (style.width !== undefined && style.align === 'center') left = x + (style.width - textWidth) / 2;
    doc.text(text, left, y + this.baselineShift * style.size, { lineBreak: false });
  }
}

function fitText(doc: PDFKit.PDFDocument, text: string, width: number): string {
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (doc.widthOfString(`${text.slice(0, middle).trimEnd()}…`) <= width) low = middle;
    else high = middle - 1;
  }
  return `${text.slice(0, low).trimEnd()}…`;
}
