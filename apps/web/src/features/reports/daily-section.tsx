import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Button } from '../../components/button.tsx';
import { inputClass } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { ErrorPanel } from '../../components/states.tsx';
import { toast } from '../../components/toast.tsx';
import { apiDownload } from '../../lib/api-client.ts';
import { formatDate, todayIso } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { useRealtimeInvalidation } from '../../lib/realtime.ts';
import { dailySummaryQuery, reportKeys } from './queries.ts';
import { SummaryCards } from './summary-cards.tsx';

/** "Synthèse du jour": the owner's daily summary on screen, and the same day as a PDF. */
export function DailySection() {
  const { t } = useI18n();
  const headingId = useId();
  const dateId = useId();
  const [date, setDate] = useState(todayIso);
  const [isDownloading, setDownloading] = useState(false);
  const summary = useQuery({ ...dailySummaryQuery(date), enabled: Boolean(date) });
  // Orders, payments and stock alerts all raise a notification: the day on screen stays current.
  useRealtimeInvalidation(['notification:', 'reconnected'], [reportKeys.all]);
  const data = summary.data;
  const isQuiet =
    data !== undefined &&
    data.orders.count === 0 &&
    data.deliveries.count === 0 &&
    data.collections.total === 0;

  return (
    <section aria-labelledby={headingId} className="mb-8">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <h2 id={headingId} className="text-base font-semibold text-slate-900">
          {t('reports.daily_title')}
        </h2>
        <div className="flex flex-wrap items-end gap-2">
          <div>
            <label htmlFor={dateId} className="mb-1 block text-xs font-medium text-slate-600">
              {t('reports.day')}
            </label>
            <input
              id={dateId}
              type="date"
              className={inputClass('w-40')}
              value={date}
              max={todayIso()}
              onChange={(event) => setDate(event.target.value)}
            />
          </div>
          <Button
            icon={<Icon name="download" className="size-4" />}
            isLoading={isDownloading}
            disabled={!date}
            onClick={async () => {
              setDownloading(true);
              try {
                await apiDownload('/api/reports/daily/pdf/', { date }, `synthese-${date}.pdf`);
              } catch (error) {
                toast((error as Error).message, 'error');
              } finally {
                setDownloading(false);
              }
            }}
          >
            {t('reports.download_pdf')}
          </Button>
        </div>
      </div>

      {!date ? (
        <p className="text-sm text-slate-500">{t('reports.pick_day')}</p>
      ) : summary.isError ? (
        <ErrorPanel error={summary.error} onRetry={() => summary.refetch()} />
      ) : data ? (
        <>
          {isQuiet ? (
            <p
              className="mb-3 rounded-lg border border-slate-200 bg-slate-50 p-3 text-sm text-slate-600"
              data-testid="summary-empty"
            >
              {t('reports.daily_empty', { date: formatDate(date) })}
            </p>
          ) : null}
          <SummaryCards summary={data} />
        </>
      ) : (
        <div role="status" className="grid gap-4 md:grid-cols-2">
          <span className="sr-only">{t('common.loading')}</span>
          {[0, 1, 2, 3].map((index) => (
            <div key={index} className="h-36 animate-pulse rounded-lg bg-slate-100" />
          ))}
        </div>
      )}
    </section>
  );
}
