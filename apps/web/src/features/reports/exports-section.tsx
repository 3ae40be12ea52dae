import { type ReactNode, useId, useState } from 'react';
import { Button } from '../../components/button.tsx';
import { inputClass } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { apiDownload } from '../../lib/api-client.ts';
import { addDays, todayIso } from '../../lib/format.ts';
import { type MessageKey, useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { EXPORT_FORMATS, type ExportFormat, exportFilename } from './queries.ts';

const FORMAT_LABELS: Record<ExportFormat, MessageKey> = {
  pdf: 'reports.format_pdf',
  csv: 'reports.format_csv',
  xlsx: 'reports.format_xlsx',
};

type Report = 'orders' | 'receivables' | 'stock';

function DateInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      <input
        id={id}
        type="date"
        className={inputClass('w-40')}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}

function ExportRow({
  title,
  hint,
  report,
  busy,
  onExport,
  children,
}: {
  title: string;
  hint: string;
  report: Report;
  busy: string | null;
  onExport: (report: Report, format: ExportFormat) => void;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <div className="flex flex-wrap items-end justify-between gap-3 border-t border-slate-100 py-4 first:border-t-0">
      <div className="min-w-48">
        <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
        <p className="text-xs text-slate-500">{hint}</p>
      </div>
      <div className="flex flex-wrap items-end gap-2">
        {children}
        {/* biome-ignore lint/a11y/useSemanticElements: a toolbar-like button group, not a form */}
        <div role="group" aria-label={title} className="flex gap-2">
          {EXPORT_FORMATS.map((format) => (
            <Button
              key={format}
              size="sm"
              icon={<Icon name="download" className="size-4" />}
              isLoading={busy === `${report}-${format}`}
              disabled={busy !== null}
              aria-label={`${title} — ${t(FORMAT_LABELS[format])}`}
              data-testid={`export-${report}-${format}`}
              onClick={() => onExport(report, format)}
            >
              {t(FORMAT_LABELS[format])}
            </Button>
          ))}
        </div>
      </div>
    </div>
  );
}

/** "Exports": the order, receivables and stock reports as PDF, CSV or Excel files. */
export function ExportsSection() {
  const { t } = useI18n();
  const headingId = useId();
  const canReadReports = useCan('reports.read');
  const canReadStock = useCan('reports.stock');
  const [to, setTo] = useState(todayIso);
  const [from, setFrom] = useState(() => addDays(todayIso(), -29));
  const [stockDate, setStockDate] = useState(todayIso);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(report: Report, format: ExportFormat) {
    setError(null);
    if (report === 'orders' && (!from || !to)) return setError(t('reports.period_required'));
    if (report === 'orders' && from > to) return setError(t('reports.period_reversed'));
    if (report === 'stock' && !stockDate) return setError(t('reports.day_required'));
    setBusy(`${report}-${format}`);
    try {
      if (report === 'orders') {
        await apiDownload(
          `/api/reports/orders/${format}/`,
          { from, to },
          exportFilename('commandes', `${from}-${to}`, format),
        );
      } else if (report === 'receivables') {
        await apiDownload(
          `/api/reports/receivables/${format}/`,
          {},
          exportFilename('creances', todayIso(), format),
        );
      } else {
        await apiDownload(
          `/api/reports/stock/${format}/`,
          { date: stockDate },
          exportFilename('stock', stockDate, format),
        );
      }
    } catch (caught) {
      setError(t('reports.export_failed', { message: (caught as Error).message }));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section
      aria-labelledby={headingId}
      className="rounded-lg border border-slate-200 bg-white px-4 shadow-sm"
    >
      <h2 id={headingId} className="pt-4 text-base font-semibold text-slate-900">
        {t('reports.exports_title')}
      </h2>
      {error ? (
        <p
          role="alert"
          className="mt-3 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
          data-testid="export-error"
        >
          {error}
        </p>
      ) : null}
      <div className="mt-2">
        {canReadReports ? (
          <>
            <ExportRow
              title={t('reports.orders_report')}
              hint={t('reports.orders_report_hint')}
              report="orders"
              busy={busy}
              onExport={run}
            >
              <DateInput label={t('common.from')} value={from} onChange={setFrom} />
              <DateInput label={t('common.to')} value={to} onChange={setTo} />
            </ExportRow>
            <ExportRow
              title={t('reports.receivables_report')}
              hint={t('reports.receivables_report_hint')}
              report="receivables"
              busy={busy}
              onExport={run}
            />
          </>
        ) : null}
        {canReadStock ? (
          <ExportRow
            title={t('reports.stock_report')}
            hint={t('reports.stock_report_hint')}
            report="stock"
            busy={busy}
            onExport={run}
          >
            <DateInput label={t('reports.stock_date')} value={stockDate} onChange={setStockDate} />
          </ExportRow>
        ) : null}
      </div>
    </section>
  );
}
