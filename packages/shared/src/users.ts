import { z } from 'zod';
import { IdSchema, singleLineText } from './common.ts';
import { RoleSchema } from './roles.ts';

export const PasswordSchema = singleLineText().min(8, 'au moins 8 caractères').max(256);
export const UsernameSchema = singleLineText({ trim: true })
  .min(3)
  .max(64)
  .regex(/^[a-zA-Z0-9._-]+$/, 'lettres, chiffres et . _ - uniquement');

export const UserSchema = z.object({
  id: IdSchema,
  username: z.string(),
  full_name: z.string(),
  phone: z.string().nullable(),
  role: RoleSchema,
  site_id: IdSchema.nullable(),
  is_active: z.boolean(),
  last_login_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type User = z.infer<typeof UserSchema>;

export const CreateUserInputSchema = z.strictObject({
  username: UsernameSchema,
  full_name: singleLineText({ trim: true }).min(1).max(120),
  phone: singleLineText({ trim: true }).max(30).nullable().optional(),
  role: RoleSchema,
  site_id: IdSchema.nullable().optional(),
  password: PasswordSchema,
});
export type CreateUserInput = z.infer<typeof CreateUserInputSchema>;

export const UpdateUserInputSchema = z.strictObject({
  full_name: singleLineText({ trim: true }).min(1).max(120).optional(),
  phone: singleLineText({ trim: true }).max(30).nullable().optional(),
  role: RoleSchema.optional(),
  site_id: IdSchema.nullable().optional(),
  is_active: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof UpdateUserInputSchema>;

export const ResetPasswordInputSchema = z.strictObject({ password: PasswordSchema });

export const UserListQuerySchema = z.strictObject({
  role: RoleSchema.optional(),
  site_id: IdSchema.optional(),
  is_active: z.enum(['true', 'false']).optional(),
  search: singleLineText({ trim: true }).max(64).optional(),
});
