import { z } from 'zod';
import { IdSchema, singleLineText } from './common.ts';

export const DeviceSchema = z.object({
  id: IdSchema,
  serial: z.string(),
  name: z.string(),
  site_id: IdSchema,
  user_id: IdSchema.nullable(),
  is_revoked: z.boolean(),
  revoked_at: z.string().nullable(),
  last_seen_at: z.string().nullable(),
  created_at: z.string(),
});
export type Device = z.infer<typeof DeviceSchema>;

export const UpdateDeviceInputSchema = z.strictObject({
  name: singleLineText({ trim: true }).min(1).max(100).optional(),
  site_id: IdSchema.optional(),
  user_id: IdSchema.nullable().optional(),
});
export type UpdateDeviceInput = z.infer<typeof UpdateDeviceInputSchema>;

export const DeviceListQuerySchema = z.strictObject({
  site_id: IdSchema.optional(),
  is_revoked: z.enum(['true', 'false']).optional(),
});
