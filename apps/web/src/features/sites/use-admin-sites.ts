import type { Site } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useCan } from '../../lib/permissions.ts';
import { sitesQuery } from './queries.ts';

/** Every site, for an admin (who works across them); none for everyone else (their own only). */
export function useAdminSites(): Site[] {
  const isAdmin = useCan('sites.manage');
  return useQuery({ ...sitesQuery(), enabled: isAdmin }).data ?? [];
}
