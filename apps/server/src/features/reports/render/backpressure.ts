import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * pdfkit and the xlsx writer push into their output without waiting for the reader, so a
 * generator that feeds them waits here until the client has taken most of what is queued.
 * Returns false once the output was destroyed (the client went away): stop producing.
 */
export async function waitForRoom(output: Readable, limitBytes = 1 << 20): Promise<boolean> {
  while (!output.destroyed && output.readableLength > limitBytes) await sleep(5);
  return !output.destroyed;
}
