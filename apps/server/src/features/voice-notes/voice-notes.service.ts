import { createHash } from 'node:crypto';
import {
  isVoiceNoteContentType,
  PERMISSIONS,
  VOICE_NOTE_MAX_BYTES,
  type VoiceNote,
  type VoiceNoteContentType,
  type VoiceNoteUploadQuery,
  voiceNoteMediaType,
} from '@gapal/shared';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../domain/actor.ts';
import { AppError, forbidden, notFound } from '../../domain/errors.ts';
import type { WriteContext } from '../../domain/write-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { notify } from '../notifications/notify.ts';
import { assertOrderVisible } from '../orders/order-rules.ts';
import { isOpusIn } from './opus-container.ts';
import {
  findNoteOrder,
  findVoiceNote,
  insertVoiceNote,
  readVoiceNoteAudio,
  type VoiceNoteOrder,
} from './voice-notes.repo.ts';

export type VoiceNoteUpload = {
  id: string;
  query: VoiceNoteUploadQuery;
  contentType: string;
  body: unknown;
};

/**
 * Stores a voice note exactly once per id: `created: false` when this id already holds the same
 * bytes (a phone retrying), 409 when it holds other bytes. The note, its order's flag, the audit
 * row and the managers' notification commit together; nothing is written on a refusal.
 */
export async function uploadVoiceNote(
  ctx: WriteContext,
  upload: VoiceNoteUpload,
): Promise<{ note: VoiceNote; created: boolean }> {
  const { tx, actor } = ctx;
  const { audio } = checkedAudio(upload.contentType, upload.body);
  const order = await findNoteOrder(tx, orderKeyOf(upload.query));
  if (!order) throw notFound('Commande');
  assertMayLeaveNote(actor, order);

  const sha256 = createHash('sha256').update(audio).digest('hex');
  const existing = await sameNoteOrConflict(tx, upload.id, order.id, sha256);
  if (existing) return { note: existing, created: false };

  const stored = await insertVoiceNote(tx, {
    id: upload.id,
    orderId: order.id,
    durationMs: upload.query.duration_ms,
    byteSize: audio.length,
    contentType: upload.contentType.trim(),
    sha256,
    audio,
    recordedBy: actor.userId,
    deviceId: actor.deviceId,
  });
  if (!stored) {
    // Another upload of this id committed first (the insert waited for it): answer as a retry would be.
    const winner = await sameNoteOrConflict(tx, upload.id, order.id, sha256);
    if (winner) return { note: winner, created: false };
  }
  await recordAudit(ctx, {
    action: 'voice_note.create',
    entity: 'order',
    entityId: order.id,
    siteId: order.siteId,
    after: {
      voice_note_id: upload.id,
      duration_ms: upload.query.duration_ms,
      byte_size: audio.length,
      content_type: upload.contentType.trim(),
      sha256,
    },
  });
  await notifyVoiceNote(ctx, order);
  const note = await findVoiceNote(tx, upload.id);
  return { note: note!.note, created: true };
}

/** The note's bytes, for those who may read its order (others get 404, as for the order). */
export async function voiceNoteAudio(db: Db, actor: Actor, id: string) {
  const found = await readVoiceNoteAudio(db, id);
  if (!found) throw notFound('Note vocale');
  assertOrderVisible(actor, found);
  return found;
}

/** The order's key: exactly one of `order_id` and `local_id` (400 otherwise). */
function orderKeyOf(query: VoiceNoteUploadQuery): { orderId: string } | { localId: string } {
  if (query.order_id && !query.local_id) return { orderId: query.order_id };
  if (query.local_id && !query.order_id) return { localId: query.local_id };
  throw new AppError('validation_error', 'Indiquez la commande par order_id ou par local_id, pas les deux', {
    fields: [
      {
        field: 'order_id',
        message: 'order_id ou local_id, un seul des deux',
        code: 'exactly_one_of',
        params: { fields: 'order_id, local_id' },
      },
    ],
  });
}

/** 415 for another type or bytes that are not Opus in the container named; 413 past the limit. */
function checkedAudio(
  contentType: string,
  body: unknown,
): { mediaType: VoiceNoteContentType; audio: Buffer } {
  if (!isVoiceNoteContentType(contentType) || !Buffer.isBuffer(body)) {
    throw new AppError(
      'unsupported_media_type',
      'Une note vocale doit être envoyée en audio/webm ou audio/ogg (Opus)',
    );
  }
  // The route's body limit refuses it before it is read; this guards the service on its own.
  if (body.length > VOICE_NOTE_MAX_BYTES) {
    throw new AppError('payload_too_large', 'Note vocale trop volumineuse', {
      max_bytes: VOICE_NOTE_MAX_BYTES,
    });
  }
  const mediaType = voiceNoteMediaType(contentType) as VoiceNoteContentType;
  if (!isOpusIn(mediaType, body)) {
    throw new AppError(
      'unsupported_media_type',
      `Le fichier n’est pas de l’audio Opus au format ${mediaType}`,
    );
  }
  return { mediaType, audio: body };
}

/**
 * Who may leave a note: the order's site (other sites' orders are 404, as for reading them), and
 * among vendors only the order's own (403: the vendor knows the order is there, it is not theirs).
 */
function assertMayLeaveNote(actor: Actor, order: VoiceNoteOrder): void {
  if (actor.role === 'admin') return;
  if (order.siteId !== actor.siteId) throw notFound('Commande');
  if (actor.role === 'vendeur' && order.createdBy !== actor.userId) {
    throw forbidden('Seul le vendeur de la commande peut y laisser une note vocale');
  }
}

/** The stored note when this id holds these bytes on this order, 409 when it holds anything else. */
async function sameNoteOrConflict(
  db: Db,
  id: string,
  orderId: string,
  sha256: string,
): Promise<VoiceNote | undefined> {
  const existing = await findVoiceNote(db, id);
  if (!existing) return undefined;
  if (existing.sha256 === sha256 && existing.order.id === orderId) return existing.note;
  throw new AppError('conflict', 'Une autre note vocale porte déjà cet identifiant', {
    fields: [{ field: 'id', message: 'déjà utilisé', code: 'already_used' }],
  });
}

const ORDER_MANAGERS = PERMISSIONS['orders.manage'];

/** To the order managers of the order's site and the admins: an open dashboard refetches the order. */
async function notifyVoiceNote(ctx: WriteContext, order: VoiceNoteOrder): Promise<void> {
  const { actor } = ctx;
  await notify(ctx, [
    {
      kind: 'commande_note_vocale',
      audience: { siteId: order.siteId, roles: ORDER_MANAGERS, userId: null },
      data: { order_id: order.id, order_number: order.number },
      params: { order_number: order.number, client_name: order.clientName, recorded_by: actor.username },
    },
  ]);
}
