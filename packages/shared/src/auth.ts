import { z } from 'zod';
import { IdSchema } from './common.ts';
import { RoleSchema } from './roles.ts';

export const DeviceSerialSchema = z
  .string()
  .trim()
  .min(3)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'lettres, chiffres et . _ : - uniquement');

export const LoginInputSchema = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  device_serial: DeviceSerialSchema.optional(),
  device_name: z.string().trim().min(1).max(100).optional(),
});
export type LoginInput = z.infer<typeof LoginInputSchema>;

export const RefreshInputSchema = z.strictObject({ refresh_token: z.string().min(20).max(200) });
export const LogoutInputSchema = z.strictObject({ refresh_token: z.string().min(20).max(200).optional() });

export const MeSchema = z.object({
  id: IdSchema,
  username: z.string(),
  full_name: z.string(),
  role: RoleSchema,
  site_id: IdSchema.nullable(),
  site_name: z.string().nullable(),
  device_id: IdSchema.nullable(),
});
export type Me = z.infer<typeof MeSchema>;

export const TokenPairSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  user: MeSchema,
});
export type TokenPair = z.infer<typeof TokenPairSchema>;
