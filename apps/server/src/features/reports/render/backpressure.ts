import type { Readable } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';

/**
 * pdfkit and the xlsx writer push into their output without waiting for the reader, so a
 * generator that feeds them waits here until the client has taken most of what is queued.
 * Returns false once the output was destroyed (the client went away): stop producing.
 */
export async function waitForRoom(output: Readable, limitBytes = 1 << 20): Promise<boolean> {
  while (!output.destroyed && output.readableLength > limitBytes) await sleep(5);
  return !output.destroyed;
}

/** Rows laid out between two turns of the event loop: about 25 ms of CPU in a PDF. */
export const ROWS_PER_TURN = 100;

/**
 * Renders a batch row by row, handing the event loop back every `ROWS_PER_TURN` rows. A PDF takes
 * about 0.25 s of CPU for a batch of 1 000 orders; in one go, every other request of the process
 * (the dashboard, the phones' pushes) would wait that long behind an export.
 */
export async function renderWithTurns<T>(rows: Iterable<T>, render: (row: T) => void): Promise<void> {
  let sinceTurn = 0;
  for (const row of rows) {
    if (sinceTurn === ROWS_PER_TURN) {
      await nextTurn();
      sinceTurn = 0;
    }
    render(row);
    sinceTurn += 1;
  }
}
