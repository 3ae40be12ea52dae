import { Icon } from '../../components/icons.tsx';
import { useI18n } from '../../lib/i18n.ts';

/** Placeholder until the notifications API lands; replaced by the real bell. */
export function NotificationBell() {
  const { t } = useI18n();
  return (
    <button
      type="button"
      className="relative rounded-full p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-700"
      aria-label={t('notifications.title')}
    >
      <Icon name="bell" />
    </button>
  );
}
