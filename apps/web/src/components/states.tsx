import type { ReactNode } from 'react';
import { useI18n } from '../lib/i18n.ts';
import { Button } from './button.tsx';

/** Placeholder rows the same height as real ones, so nothing jumps when data arrives. */
export function LoadingRows({ columns, rows = 5 }: { columns: number; rows?: number }) {
  const { t } = useI18n();
  return (
    <>
      {Array.from({ length: rows }, (_, row) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <tr key={row} aria-hidden={row > 0 ? true : undefined}>
          {Array.from({ length: columns }, (_, column) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
            <td key={column} className="px-4 py-3">
              {row === 0 && column === 0 ? <span className="sr-only">{t('common.loading')}</span> : null}
              <div className="h-4 animate-pulse rounded bg-slate-200/70" />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

export function EmptyRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns} className="px-4 py-12 text-center text-sm text-slate-500">
        {children}
      </td>
    </tr>
  );
}

export function ErrorRow({
  columns,
  error,
  onRetry,
}: {
  columns: number;
  error: Error;
  onRetry: () => void;
}) {
  const { t } = useI18n();
  return (
    <tr>
      <td colSpan={columns} className="px-4 py-10 text-center">
        <p role="alert" className="text-sm text-red-700">
          {t('common.error')} : {error.message}
        </p>
        <Button size="sm" className="mt-3" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      </td>
    </tr>
  );
}

/** A page's placeholder while its data loads. */
export function PageLoading() {
  const { t } = useI18n();
  return (
    <div
      className="h-96 animate-pulse rounded-lg bg-slate-200/50"
      role="status"
      aria-label={t('common.loading')}
    />
  );
}

export function ErrorPanel({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
      {t('common.error')} : {error.message}
      {onRetry ? (
        <Button size="sm" className="ml-3" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      ) : null}
    </div>
  );
}
