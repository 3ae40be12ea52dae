/**
 * `12 500`: whole numbers in groups of three with a plain space, as French speakers write them.
 * A plain space, not the narrow one `Intl` gives: PDF standard fonts have no narrow space, and a
 * notification's text reads the same everywhere. Used by the reports and the notifications.
 */
export function formatNumber(value: number): string {
  const sign = value < 0 ? '-' : '';
  return (
    sign +
    Math.abs(Math.round(value))
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ' ')
  );
}
