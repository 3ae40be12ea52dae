import { z } from 'zod';
import { IdSchema, multiLineText, singleLineText } from './common.ts';

export const SiteSchema = z.object({
  id: IdSchema,
  name: z.string(),
  code: z.string(),
  address: z.string().nullable(),
  is_active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Site = z.infer<typeof SiteSchema>;

const SiteCodeSchema = singleLineText({ trim: true })
  .min(2)
  .max(12)
  .regex(/^[A-Z0-9]+$/, 'majuscules et chiffres uniquement');

export const CreateSiteInputSchema = z.strictObject({
  name: singleLineText({ trim: true }).min(1).max(100),
  code: SiteCodeSchema,
  address: multiLineText({ trim: true }).max(300).nullable().optional(),
});
export type CreateSiteInput = z.infer<typeof CreateSiteInputSchema>;

export const UpdateSiteInputSchema = z.strictObject({
  name: singleLineText({ trim: true }).min(1).max(100).optional(),
  address: multiLineText({ trim: true }).max(300).nullable().optional(),
  is_active: z.boolean().optional(),
});
export type UpdateSiteInput = z.infer<typeof UpdateSiteInputSchema>;
