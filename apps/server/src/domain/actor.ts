import type { Role } from '@gapal/shared';

/** Who is calling: every service takes this and checks role and site against it. */
export type Actor = {
  userId: string;
  username: string;
  role: Role;
  siteId: string | null;
  deviceId: string | null;
  requestId: string;
  ip: string;
};
