import { useI18n } from '../lib/i18n.ts';
import type { useCursorPages } from '../lib/use-cursor-pages.ts';
import { Button } from './button.tsx';

/** A keyset list's "previous" and "next" (`useCursorPages`), for a table card's footer. */
export function CursorPager({
  pages,
  nextCursor,
}: {
  pages: ReturnType<typeof useCursorPages>;
  /** The page shown's `next_cursor`; none while loading or on the last page. */
  nextCursor: string | null | undefined;
}) {
  const { t } = useI18n();
  return (
    <div className="flex justify-end gap-2">
      <Button size="sm" disabled={!pages.hasPrevious} onClick={pages.previous}>
        {t('common.previous')}
      </Button>
      <Button size="sm" disabled={!nextCursor} onClick={() => pages.next(nextCursor)}>
        {t('common.next')}
      </Button>
    </div>
  );
}
