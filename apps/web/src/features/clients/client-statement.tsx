import type { ClientStatementLine } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { Button } from '../../components/button.tsx';
import { DateRangeInputs } from '../../components/form.tsx';
import { Icon } from '../../components/icons.tsx';
import { ErrorPanel } from '../../components/states.tsx';
import { apiDownload } from '../../lib/api-client.ts';
import { addDays, formatAmount, formatDateTime, todayIso } from '../../lib/format.ts';
import { type MessageKey, useI18n } from '../../lib/i18n.ts';
import { clientStatementQuery, statementFilename } from './queries.ts';

const CELL = 'px-2 py-1.5 whitespace-nowrap';

/** What a line is, in words: an order, a return, money received or given back, a credit moved. */
function lineLabel(line: ClientStatementLine): MessageKey {
  if (line.kind === 'order') return 'clients.statement.order';
  if (line.kind === 'return') return 'clients.statement.return';
  if (line.payment_kind === 'remboursement') return 'clients.statement.refund';
  if (line.payment_kind === 'avoir_sortant' || line.payment_kind === 'avoir_entrant')
    return 'clients.statement.credit_moved';
  return 'clients.statement.payment';
}

function StatementRow({ line }: { line: ClientStatementLine }) {
  const { t } = useI18n();
  return (
    <tr data-testid="statement-line">
      <td className={`${CELL} tabular-nums`}>{formatDateTime(line.at)}</td>
      <td className="px-2 py-1.5">
        {t(lineLabel(line))}{' '}
        <Link href={`/commandes/${line.order_id}`} className="font-medium text-emerald-800 hover:underline">
          {line.order_number}
        </Link>
        {line.method && line.method !== 'avoir' ? (
          <span className="text-xs text-slate-500">
            {' '}
            · {t(`method.${line.method}`)}
            {line.reference ? ` · ${line.reference}` : ''}
          </span>
        ) : null}
      </td>
      <td className={`${CELL} text-right tabular-nums`}>{line.debit ? formatAmount(line.debit) : ''}</td>
      <td className={`${CELL} text-right tabular-nums`}>{line.credit ? formatAmount(line.credit) : ''}</td>
      <td className={`${CELL} text-right font-medium tabular-nums`}>{formatAmount(line.balance)}</td>
    </tr>
  );
}

/**
 * The relevé de compte for a period: its lines with the running balance (the client's balance
 * over time), and the same statement to download as PDF or CSV.
 */
export function ClientStatement({ clientId, clientName }: { clientId: string; clientName: string }) {
  const { t } = useI18n();
  const [to, setTo] = useState(todayIso);
  const [from, setFrom] = useState(() => addDays(todayIso(), -29));
  const [busy, setBusy] = useState<'pdf' | 'csv' | null>(null);
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const isPeriodValid = Boolean(from && to && from <= to);
  const statement = useQuery({ ...clientStatementQuery(clientId, from, to), enabled: isPeriodValid });

  async function download(format: 'pdf' | 'csv') {
    setDownloadError(null);
    setBusy(format);
    try {
      await apiDownload(
        `/api/clients/${clientId}/statement/`,
        { from, to, format },
        statementFilename(clientName, from, to, format),
      );
    } catch (error) {
      setDownloadError(t('reports.export_failed', { message: (error as Error).message }));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2">
        <DateRangeInputs
          group={t('clients.statement.period')}
          labels={{ from: t('common.from'), to: t('common.to') }}
          from={from}
          to={to}
          onChange={(change) => ('from' in change ? setFrom(change.from) : setTo(change.to))}
        />
        <div className="ml-auto flex gap-2">
          {(['pdf', 'csv'] as const).map((format) => (
            <Button
              key={format}
              size="sm"
              icon={<Icon name="download" className="size-4" />}
              isLoading={busy === format}
              disabled={busy !== null || !isPeriodValid}
              aria-label={`${t('clients.statement.title')} — ${t(`reports.format_${format}`)}`}
              data-testid={`statement-${format}`}
              onClick={() => download(format)}
            >
              {t(`reports.format_${format}`)}
            </Button>
          ))}
        </div>
      </div>
      {!isPeriodValid ? (
        <p role="alert" className="text-sm text-red-700">
          {t('reports.period_reversed')}
        </p>
      ) : null}
      {downloadError ? (
        <p role="alert" className="text-sm text-red-700" data-testid="statement-error">
          {downloadError}
        </p>
      ) : null}
      {statement.isError ? (
        <ErrorPanel error={statement.error} onRetry={() => statement.refetch()} />
      ) : statement.data ? (
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <thead>
              <tr className="text-left text-xs text-slate-500 uppercase">
                <th className={`${CELL} font-semibold`}>{t('clients.statement.date')}</th>
                <th className={`${CELL} font-semibold`}>{t('clients.statement.entry')}</th>
                <th className={`${CELL} text-right font-semibold`}>{t('clients.statement.debit')}</th>
                <th className={`${CELL} text-right font-semibold`}>{t('clients.statement.credit')}</th>
                <th className={`${CELL} text-right font-semibold`}>{t('clients.statement.balance')}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              <tr className="text-slate-500">
                <td className={CELL} colSpan={4}>
                  {t('clients.statement.opening')}
                </td>
                <td className={`${CELL} text-right tabular-nums`} data-testid="statement-opening">
                  {formatAmount(statement.data.opening_balance)}
                </td>
              </tr>
              {statement.data.lines.length === 0 ? (
                <tr>
                  <td colSpan={5} className={`${CELL} py-4 text-center text-slate-500`}>
                    {t('clients.statement.empty')}
                  </td>
                </tr>
              ) : (
                statement.data.lines.map((line) => (
                  <StatementRow
                    key={`${line.kind}-${line.payment_kind}-${line.order_id}-${line.at}`}
                    line={line}
                  />
                ))
              )}
            </tbody>
            <tfoot className="border-t border-slate-200 font-semibold">
              <tr>
                <td className={CELL} colSpan={2}>
                  {t('clients.statement.closing')}
                </td>
                <td className={`${CELL} text-right tabular-nums`}>
                  {formatAmount(statement.data.total_debit)}
                </td>
                <td className={`${CELL} text-right tabular-nums`}>
                  {formatAmount(statement.data.total_credit)}
                </td>
                <td className={`${CELL} text-right tabular-nums`} data-testid="statement-closing">
                  {formatAmount(statement.data.closing_balance)}
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      ) : isPeriodValid ? (
        <p className="text-sm text-slate-500">{t('common.loading')}</p>
      ) : null}
    </div>
  );
}
