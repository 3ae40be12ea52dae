// The note prints in the reports' font, Noto Sans (OFL), whatever fonts the PC has: the letters
// of Mooré, Dioula and Fulfulde names (latin-ext), nasal vowels (vietnamese: the combining tilde
// and ẽ). Each file downloads only when the page shows one of its characters (unicode-range).
import '@fontsource/noto-sans/latin-400.css';
import '@fontsource/noto-sans/latin-700.css';
import '@fontsource/noto-sans/latin-ext-400.css';
import '@fontsource/noto-sans/latin-ext-700.css';
import '@fontsource/noto-sans/vietnamese-400.css';
import '@fontsource/noto-sans/vietnamese-700.css';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { Button } from '../../components/button.tsx';
import { Icon } from '../../components/icons.tsx';
import { ErrorPanel } from '../../components/states.tsx';
import { formatAmount, formatDate, formatDateTime } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { getSettings } from '../../lib/settings.ts';
import { orderQuery } from './queries.ts';

/** A4 delivery note: the app's frame is hidden when printing (print: classes on the shell). */
export function DeliveryNotePage({ id }: { id: string }) {
  const { t } = useI18n();
  const order = useQuery(orderQuery(id));
  if (order.isPending) return <p className="text-sm text-slate-500">{t('common.loading')}</p>;
  if (order.isError) return <ErrorPanel error={order.error} />;
  const o = order.data;
  return (
    <>
      <div className="mb-4 flex items-center justify-between print:hidden">
        <Link href={`/commandes/${o.id}`} className="text-sm text-slate-500 hover:text-slate-800">
          ← {o.number}
        </Link>
        <Button
          variant="primary"
          icon={<Icon name="print" className="size-4" />}
          onClick={() => window.print()}
        >
          {t('orders.print_note')}
        </Button>
      </div>
      <article
        className="mx-auto max-w-3xl rounded-lg border border-slate-200 bg-white p-10 shadow-sm print:max-w-none print:border-0 print:p-0 print:shadow-none"
        style={{ fontFamily: "'Noto Sans', sans-serif" }}
      >
        <header className="flex items-start justify-between border-b-2 border-slate-900 pb-4">
          <div>
            <p className="text-lg font-bold text-slate-900">{getSettings().business_name}</p>
            <p className="text-sm text-slate-600">{t('app.tagline')}</p>
          </div>
          <div className="text-right">
            <h1 className="text-xl font-bold tracking-wide text-slate-900 uppercase">
              {t('orders.delivery_note')}
            </h1>
            <p className="text-sm font-medium">{o.number}</p>
            <p className="text-xs text-slate-600">{formatDateTime(o.created_at)}</p>
          </div>
        </header>
        <section className="grid grid-cols-2 gap-6 py-5 text-sm">
          <div>
            <p className="text-xs font-semibold text-slate-500 uppercase">{t('orders.client')}</p>
            <p className="font-medium">{o.client_name}</p>
            <p>{o.client_phone ?? ''}</p>
            <p>{o.delivery_address ?? ''}</p>
          </div>
          <div className="text-right">
            <p className="text-xs font-semibold text-slate-500 uppercase">{t('orders.delivery_date')}</p>
            <p className="font-medium">{formatDate(o.delivery_date)}</p>
          </div>
        </section>
        <table className="w-full border-collapse text-sm">
          <thead>
            <tr className="border-y border-slate-300 bg-slate-50 text-left">
              <th className="px-2 py-2">{t('orders.product')}</th>
              <th className="px-2 py-2 text-right">{t('orders.quantity')}</th>
              <th className="px-2 py-2 text-right">{t('orders.unit_price')}</th>
              <th className="px-2 py-2 text-right">{t('orders.subtotal')}</th>
            </tr>
          </thead>
          <tbody>
            {o.items.map((item) => (
              <tr key={item.id} className="border-b border-slate-200">
                <td className="px-2 py-2">{item.product_name}</td>
                <td className="px-2 py-2 text-right tabular-nums">{item.quantity}</td>
                <td className="px-2 py-2 text-right tabular-nums">{formatAmount(item.unit_price)}</td>
                <td className="px-2 py-2 text-right tabular-nums">{formatAmount(item.subtotal)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colSpan={3} className="px-2 pt-3 text-right font-semibold">
                {t('orders.total')}
              </td>
              <td className="px-2 pt-3 text-right font-bold tabular-nums">{formatAmount(o.total_amount)}</td>
            </tr>
            <tr>
              <td colSpan={3} className="px-2 text-right">
                {t('orders.paid')}
              </td>
              <td className="px-2 text-right tabular-nums">{formatAmount(o.paid_amount)}</td>
            </tr>
            <tr>
              <td colSpan={3} className="px-2 text-right">
                {t('orders.balance')}
              </td>
              <td className="px-2 text-right font-semibold tabular-nums">{formatAmount(o.balance)}</td>
            </tr>
          </tfoot>
        </table>
        <footer className="mt-16 grid grid-cols-2 gap-10 text-sm">
          <div className="border-t border-slate-400 pt-2 text-center text-slate-600">
            {t('orders.signature_driver')}
          </div>
          <div className="border-t border-slate-400 pt-2 text-center text-slate-600">
            {t('orders.signature_client')}
          </div>
        </footer>
      </article>
    </>
  );
}
