import { PageHeader } from '../../components/page.tsx';
import { useI18n } from '../../lib/i18n.ts';
import { useSession } from '../../lib/session.ts';

export function HomePage() {
  const { t } = useI18n();
  const session = useSession();
  return (
    <PageHeader
      title={t('home.greeting', { name: session?.user.full_name ?? '' })}
      subtitle={t('home.title')}
    />
  );
}
