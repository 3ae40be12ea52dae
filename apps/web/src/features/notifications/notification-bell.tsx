import type { Notification, NotificationKind } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'wouter';
import { Icon } from '../../components/icons.tsx';
import { toast } from '../../components/toast.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';
import { onRealtimeEvent, useRealtimeInvalidation } from '../../lib/realtime.ts';
import { useMarkAllRead, useMarkRead } from './mutations.ts';
import { notificationText } from './notification-text.ts';
import { notificationKeys, notificationsQuery } from './queries.ts';

const KIND_DOT: Record<NotificationKind, string> = {
  commande_nouvelle: 'bg-blue-500',
  commande_lot: 'bg-blue-500',
  commande_statut: 'bg-sky-500',
  paiement_enregistre: 'bg-emerald-500',
  commande_note_vocale: 'bg-indigo-500',
  stock_bas: 'bg-amber-500',
  rupture_stock: 'bg-red-500',
  lot_expiration_proche: 'bg-orange-500',
  lot_expire: 'bg-red-600',
  sync_rejetee: 'bg-violet-500',
};

/** Events worth interrupting someone for; the rest only move the badge. */
const TOAST_KINDS = new Set<NotificationKind>([
  'commande_nouvelle',
  'commande_lot',
  'rupture_stock',
  'stock_bas',
  'lot_expire',
]);

function linkFor(notification: Notification): string | null {
  const data = notification.data as { order_id?: string; product_id?: string };
  if (data.order_id) return `/commandes/${data.order_id}`;
  if (notification.kind === 'commande_lot') return '/commandes';
  if (data.product_id) return '/stock';
  return null;
}

export function NotificationBell() {
  const { t } = useI18n();
  const [isOpen, setOpen] = useState(false);
  const [, navigate] = useLocation();
  const notifications = useQuery(notificationsQuery());
  const markRead = useMarkRead();
  const markAll = useMarkAllRead();
  const panel = useRef<HTMLDivElement>(null);
  useRealtimeInvalidation(['notification', 'reconnected'], [notificationKeys.all]);

  useEffect(
    () =>
      onRealtimeEvent((event) => {
        const notification = event.notification as Notification | undefined;
        if (notification && TOAST_KINDS.has(notification.kind)) {
          const text = notificationText(notification);
          toast(
            `${text.title} — ${text.body}`,
            notification.kind === 'commande_nouvelle' || notification.kind === 'commande_lot'
              ? 'info'
              : 'warning',
          );
        }
      }),
    [],
  );

  useEffect(() => {
    if (!isOpen) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (
        event instanceof KeyboardEvent
          ? event.key === 'Escape'
          : !panel.current?.contains(event.target as Node)
      ) {
        setOpen(false);
      }
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [isOpen]);

  const unread = notifications.data?.unread_count ?? 0;
  // The badge's text and the button's name say the same count, so a voice command with the
  // words seen ("99+") reaches the button (label-content-name-mismatch).
  const shownCount = unread > 99 ? '99+' : String(unread);
  const items = notifications.data?.items ?? [];
  return (
    <div className="relative" ref={panel}>
      <button
        type="button"
        className="relative rounded-full p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-700"
        aria-label={
          unread > 0
            ? `${t('notifications.title')} — ${t('notifications.unread', { count: shownCount })}`
            : t('notifications.title')
        }
        aria-expanded={isOpen}
        data-testid="notification-bell"
        onClick={() => setOpen(!isOpen)}
      >
        <Icon name="bell" />
        {unread > 0 ? (
          <span
            data-testid="notification-badge"
            className="absolute -top-0.5 -right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-red-600 px-1 text-[10px] font-semibold text-white"
          >
            {shownCount}
          </span>
        ) : null}
      </button>
      {isOpen ? (
        <section
          aria-label={t('notifications.title')}
          className="absolute right-0 z-40 mt-2 w-96 overflow-hidden rounded-lg border border-slate-200 bg-white shadow-xl"
        >
          <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2.5">
            <h2 className="text-sm font-semibold text-slate-900">
              {t('notifications.title')}
              {unread > 0 ? (
                <span className="ml-2 text-xs font-normal text-slate-500">
                  {t('notifications.unread', { count: unread })}
                </span>
              ) : null}
            </h2>
            <button
              type="button"
              className="text-xs font-medium text-emerald-700 hover:underline disabled:text-slate-400 disabled:no-underline"
              disabled={unread === 0 || markAll.isPending}
              onClick={() => markAll.mutate()}
            >
              {t('notifications.mark_all')}
            </button>
          </div>
          <ul className="max-h-96 divide-y divide-slate-100 overflow-y-auto">
            {items.length === 0 ? (
              <li className="px-4 py-8 text-center text-sm text-slate-500">{t('notifications.empty')}</li>
            ) : (
              items.map((notification) => {
                const link = linkFor(notification);
                const isUnread = notification.read_at === null;
                return (
                  <li
                    key={notification.id}
                    data-testid="notification-item"
                    className={isUnread ? 'bg-emerald-50/40' : ''}
                  >
                    <button
                      type="button"
                      className="flex w-full gap-3 px-4 py-3 text-left hover:bg-slate-50"
                      onClick={() => {
                        if (isUnread) markRead.mutate(notification.id);
                        if (link) {
                          setOpen(false);
                          navigate(link);
                        }
                      }}
                    >
                      <span
                        className={`mt-1.5 size-2 shrink-0 rounded-full ${KIND_DOT[notification.kind]}`}
                        aria-hidden="true"
                      />
                      <span className="min-w-0 flex-1">
                        <span
                          className={`block text-sm ${isUnread ? 'font-semibold text-slate-900' : 'text-slate-700'}`}
                        >
                          {notificationText(notification).title}
                        </span>
                        <span className="block text-xs text-slate-600">
                          {notificationText(notification).body}
                        </span>
                        <span className="mt-0.5 block text-[11px] text-slate-500">
                          {formatDateTime(notification.created_at)}
                        </span>
                      </span>
                      {isUnread ? <span className="sr-only">{t('notifications.mark_read')}</span> : null}
                    </button>
                  </li>
                );
              })
            )}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
