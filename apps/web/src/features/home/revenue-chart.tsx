import type { OrdersReport } from '@gapal/shared';
import { addDays, formatAmount, formatDate } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { top: 12, right: 8, bottom: 24, left: 8 };

/** Revenue as bars and order counts as a line, one slot per day, days without orders included. */
export function RevenueChart({ report }: { report: OrdersReport }) {
  const { t } = useI18n();
  const byDay = new Map(report.by_day.map((day) => [day.day, day]));
  const days = Array.from({ length: 30 }, (_, index) => {
    const day = addDays(report.period.to, index - 29);
    const entry = byDay.get(day);
    return { day, revenue: entry?.revenue ?? 0, orders: entry?.orders ?? 0 };
  });
  const maxRevenue = Math.max(1, ...days.map((day) => day.revenue));
  const maxOrders = Math.max(1, ...days.map((day) => day.orders));
  const innerWidth = WIDTH - PAD.left - PAD.right;
  const innerHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = innerWidth / days.length;
  const y = (value: number, max: number) => PAD.top + innerHeight - (value / max) * innerHeight;
  const line = days
    .map(
      (day, index) =>
        `${index === 0 ? 'M' : 'L'}${PAD.left + slot * index + slot / 2},${y(day.orders, maxOrders)}`,
    )
    .join(' ');
  const totalRevenue = days.reduce((sum, day) => sum + day.revenue, 0);
  const totalOrders = days.reduce((sum, day) => sum + day.orders, 0);

  return (
    <figure>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-52 w-full"
        role="img"
        aria-label={`${t('home.chart_title')} : ${totalOrders} ${t('home.orders_count').toLowerCase()}, ${formatAmount(totalRevenue)}`}
      >
        {[0.25, 0.5, 0.75, 1].map((ratio) => (
          <line
            key={ratio}
            x1={PAD.left}
            x2={WIDTH - PAD.right}
            y1={PAD.top + innerHeight * (1 - ratio)}
            y2={PAD.top + innerHeight * (1 - ratio)}
            stroke="#e2e8f0"
            strokeDasharray="3 3"
          />
        ))}
        {days.map((day, index) => (
          <rect
            key={day.day}
            x={PAD.left + slot * index + slot * 0.18}
            width={slot * 0.64}
            y={y(day.revenue, maxRevenue)}
            height={PAD.top + innerHeight - y(day.revenue, maxRevenue)}
            rx={2}
            className="fill-emerald-500/80"
          >
            <title>{`${formatDate(day.day)} — ${formatAmount(day.revenue)}, ${day.orders} ${t('home.orders_count').toLowerCase()}`}</title>
          </rect>
        ))}
        <path d={line} fill="none" stroke="#2563eb" strokeWidth={2} strokeLinejoin="round" />
        {[0, 10, 20, 29].map((index) => (
          <text
            key={index}
            x={PAD.left + slot * index + slot / 2}
            y={HEIGHT - 6}
            textAnchor="middle"
            className="fill-slate-500 text-[11px]"
          >
            {formatDate(days[index]?.day).slice(0, 5)}
          </text>
        ))}
      </svg>
      <figcaption className="mt-2 flex gap-4 text-xs text-slate-600">
        <span className="flex items-center gap-1.5">
          <span className="size-2.5 rounded-sm bg-emerald-500" aria-hidden="true" />
          {t('home.revenue')} ({formatAmount(totalRevenue)})
        </span>
        <span className="flex items-center gap-1.5">
          <span className="h-0.5 w-3 bg-blue-600" aria-hidden="true" />
          {t('home.orders_count')} ({totalOrders})
        </span>
      </figcaption>
    </figure>
  );
}
