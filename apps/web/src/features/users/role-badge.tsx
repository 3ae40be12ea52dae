import type { Role } from '@gapal/shared';
import { Badge, type Tone } from '../../components/badge.tsx';
import { useI18n } from '../../lib/i18n.ts';

const ROLE_TONES: Record<Role, Tone> = {
  admin: 'violet',
  gestionnaire_commandes: 'blue',
  gestionnaire_stocks: 'amber',
  vendeur: 'gray',
};

export function RoleBadge({ role }: { role: Role }) {
  const { t } = useI18n();
  return <Badge tone={ROLE_TONES[role]}>{t(`role.${role}`)}</Badge>;
}
