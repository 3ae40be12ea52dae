import { z } from 'zod';

/** Business settings any client may read before signing in (formats, branding). */
export const PublicSettingsSchema = z.object({
  currency: z.string(),
  time_zone: z.string(),
  business_name: z.string(),
});
export type PublicSettings = z.infer<typeof PublicSettingsSchema>;
