import { z } from 'zod';
import { IdSchema, IsoDateSchema, pageLimit, singleLineText } from './common.ts';

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  user_id: IdSchema.nullable(),
  username: z.string().nullable(),
  device_id: IdSchema.nullable(),
  site_id: IdSchema.nullable(),
  action: z.string(),
  entity: z.string(),
  entity_id: z.string().nullable(),
  // Any JSON, null included (`.nullable()` on unknown wrote an OpenAPI 3.0 `nullable` with no type).
  before: z.unknown(),
  after: z.unknown(),
  request_id: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = z.strictObject({
  user_id: IdSchema.optional(),
  entity: singleLineText().max(64).optional(),
  entity_id: singleLineText().max(64).optional(),
  action: singleLineText().max(64).optional(),
  from: IsoDateSchema.optional(),
  to: IsoDateSchema.optional(),
  cursor: singleLineText().max(64).optional(),
  limit: pageLimit(50, 200),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
