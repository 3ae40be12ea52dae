import { describe, expect, it } from 'vitest';
import { ROWS_PER_TURN, renderWithTurns } from './backpressure.ts';

describe('rendering a batch of rows', () => {
  it('renders every row in order and lets other work run between slices of rows', async () => {
    const events: string[] = [];
    let ticking = true;
    // Another request of the process: it gets a turn whenever the renderer hands the loop back.
    const tick = () => {
      if (!ticking) return;
      events.push('tick');
      setImmediate(tick);
    };
    setImmediate(tick);
    const rows = Array.from({ length: 10 * ROWS_PER_TURN + 5 }, (_, index) => index);
    const rendered: number[] = [];
    await renderWithTurns(rows, (row) => {
      rendered.push(row);
      events.push('row');
    });
    ticking = false;

    expect(rendered).toEqual(rows);
    // Never more than a slice of rows without another turn, from the first tick to the end.
    const runs = events
      .join(' ')
      .split('tick')
      .map((run) => run.trim().split(' ').filter(Boolean).length);
    expect(Math.max(...runs)).toBe(ROWS_PER_TURN);
    expect(events.filter((event) => event === 'tick').length).toBeGreaterThanOrEqual(10);
  });

  it('renders an empty batch without waiting', async () => {
    const rendered: number[] = [];
    await renderWithTurns([], (row: number) => rendered.push(row));
    expect(rendered).toEqual([]);
  });
});
