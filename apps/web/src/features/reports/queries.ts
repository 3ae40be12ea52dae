import { DailySummarySchema } from '@gapal/shared';
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client.ts';

export const reportKeys = {
  all: ['reports'] as const,
  daily: (date: string) => [...reportKeys.all, 'daily', date] as const,
};

/** The owner's summary of one business day: orders, deliveries, money collected, stock alerts. */
export const dailySummaryQuery = (date: string) =>
  queryOptions({
    queryKey: reportKeys.daily(date),
    queryFn: ({ signal }) =>
      apiRequest('/api/reports/daily/json/', { query: { date }, schema: DailySummarySchema, signal }),
  });

export type ExportFormat = 'pdf' | 'csv' | 'xlsx';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['pdf', 'csv', 'xlsx'];

/** The file a report export is saved as, e.g. `commandes-2026-10-23-2026-11-21.csv`. */
export function exportFilename(base: string, suffix: string, format: ExportFormat): string {
  return `${base}-${suffix}.${format}`;
}
