import { PageHeader } from '../../components/page.tsx';
import { useI18n } from '../../lib/i18n.ts';
import { useCan } from '../../lib/permissions.ts';
import { DailySection } from './daily-section.tsx';
import { ExportsSection } from './exports-section.tsx';

/** Issue 9: the owner's daily summary as a page, and every report as a file. */
export function ReportsPage() {
  const { t } = useI18n();
  const canReadReports = useCan('reports.read');
  return (
    <>
      <PageHeader title={t('reports.title')} subtitle={t('reports.subtitle')} />
      {canReadReports ? <DailySection /> : null}
      <ExportsSection />
    </>
  );
}
