import type { Readable } from 'node:stream';
import { REPORT_MAX_PERIOD_DAYS } from '@gapal/shared';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import { AppError, notFound } from '../../domain/errors.ts';
import { addDays, todayIn } from '../../lib/dates.ts';
import { findSiteRow } from '../sites/sites.repo.ts';
import { currencyLabel, formatDate, formatDateTime } from './render/format.ts';

/** What every report needs besides its data: who the business is, its clock and currency. */
export type ReportContext = {
  timeZone: string;
  businessName: string;
  /** As printed: `FCFA`. */
  currency: string;
  now: Date;
  today: string;
  generatedAt: string;
};

export function reportContext(config: Pick<Config, 'timeZone' | 'businessName' | 'currency'>): ReportContext {
  const now = new Date();
  return {
    timeZone: config.timeZone,
    businessName: config.businessName,
    currency: currencyLabel(config.currency),
    now,
    today: todayIn(config.timeZone, now),
    generatedAt: formatDateTime(now, config.timeZone),
  };
}

/** A generated file, sent as a stream. */
export type ReportFile = { stream: Readable; contentType: string; filename: string };

export const CONTENT_TYPES = {
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export type ReportSite = { id: string; name: string } | null;

/** The site a report is about, for its header; unknown ids are 404 like everywhere. */
export async function reportSite(db: Db, siteId: string | undefined): Promise<ReportSite> {
  if (!siteId) return null;
  const row = await findSiteRow(db, siteId);
  if (!row) throw notFound('Site');
  return { id: row.id, name: row.name };
}

export function siteLabel(site: ReportSite): string {
  return site ? site.name : 'Tous les sites';
}

/**
 * A report period: inclusive calendar days, defaulting to the 30 days ending today. A start
 * after the end, or a period longer than the maximum, is a 400.
 */
export function resolvePeriod(
  from: string | undefined,
  to: string | undefined,
  today: string,
  fields: { from: string; to: string } = { from: 'from', to: 'to' },
): { from: string; to: string } {
  const end = to ?? (from && from > today ? from : today);
  const start = from ?? addDays(end, -29);
  if (start > end) {
    throw new AppError('validation_error', 'La date de début est après la date de fin', {
      fields: [{ field: fields.from, message: 'après la date de fin', code: 'after_end_date' }],
    });
  }
  const days = Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000) + 1;
  if (days > REPORT_MAX_PERIOD_DAYS) {
    throw new AppError(
      'validation_error',
      `La période ne peut pas dépasser ${REPORT_MAX_PERIOD_DAYS} jours`,
      {
        fields: [
          {
            field: fields.to,
            message: `période de ${days} jours, maximum ${REPORT_MAX_PERIOD_DAYS}`,
            code: 'period_too_long',
            params: { days, maximum: REPORT_MAX_PERIOD_DAYS },
          },
        ],
      },
    );
  }
  return { from: start, to: end };
}

export function periodLabel(period: { from: string; to: string }): string {
  return period.from === period.to
    ? `le ${formatDate(period.from)}`
    : `du ${formatDate(period.from)} au ${formatDate(period.to)}`;
}

/** `commandes_2026-11-01_2026-11-30.pdf` */
export function fileName(base: string, parts: string[], extension: string): string {
  return `${[base, ...parts].join('_')}.${extension}`;
}
