import { z } from 'zod';
import { IdSchema, singleLineText } from './common.ts';
import { RoleSchema } from './roles.ts';

export const DeviceSerialSchema = singleLineText({ trim: true })
  .min(3)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'lettres, chiffres et . _ : - uniquement');

export const LoginInputSchema = z.strictObject({
  username: singleLineText({ trim: true }).min(1).max(64),
  password: singleLineText().min(1).max(256),
  device_serial: DeviceSerialSchema.optional(),
  device_name: singleLineText({ trim: true }).min(1).max(100).optional(),
});
export type LoginInput = z.infer<typeof LoginInputSchema>;

export const RefreshInputSchema = z.strictObject({ refresh_token: singleLineText().min(20).max(200) });
export const LogoutInputSchema = z.strictObject({
  refresh_token: singleLineText().min(20).max(200).optional(),
});

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
