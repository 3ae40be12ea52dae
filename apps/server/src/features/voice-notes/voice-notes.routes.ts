import {
  IdParamsSchema,
  VOICE_NOTE_CONTENT_TYPES,
  VOICE_NOTE_MAX_BYTES,
  VoiceNoteSchema,
  VoiceNoteUploadQuerySchema,
} from '@gapal/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../deps.ts';
import { AppError } from '../../domain/errors.ts';
import { runWrite } from '../../domain/write-context.ts';
import { errorResponses, fileResponse } from '../../http/openapi.ts';
import { actorOf } from '../auth/request-auth.ts';
import { parseByteRange } from './byte-range.ts';
import { uploadVoiceNote, voiceNoteAudio } from './voice-notes.service.ts';

/** A note never changes once stored (same id, same bytes): a browser may keep it a day. */
const AUDIO_CACHE_CONTROL = 'private, max-age=86400';

export function voiceNotesRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['voice-notes'];

    // The raw bytes of the audio types, in this plugin only: the rest of the API stays JSON.
    // Fastify matches `audio/webm;codecs=opus` to `audio/webm`; other types get its 415.
    app.addContentTypeParser(
      [...VOICE_NOTE_CONTENT_TYPES],
      { parseAs: 'buffer', bodyLimit: VOICE_NOTE_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );

    app.put(
      '/:id/',
      {
        config: { access: 'orders.create' },
        bodyLimit: VOICE_NOTE_MAX_BYTES,
        schema: {
          tags,
          operationId: 'uploadVoiceNote',
          summary:
            'Store a voice note on an order (idempotent on its id: 201 new, 200 same bytes, 409 other bytes)',
          description:
            `The body is the audio itself, Opus in WebM or Ogg, sent as ${VOICE_NOTE_CONTENT_TYPES.join(' or ')} ` +
            `(parameters such as ;codecs=opus allowed), at most ${VOICE_NOTE_MAX_BYTES} bytes. ` +
            'The order is named by order_id or by the local_id its phone gave it. A vendor may leave a note on their own orders only.',
          params: IdParamsSchema,
          querystring: VoiceNoteUploadQuerySchema,
          response: {
            200: VoiceNoteSchema,
            201: VoiceNoteSchema,
            ...errorResponses(400, 401, 403, 404, 409, 413, 415, 503),
          },
        },
      },
      async (request, reply) => {
        const { note, created } = await runWrite(
          deps,
          actorOf(request),
          (ctx) =>
            uploadVoiceNote(ctx, {
              id: request.params.id,
              query: request.query,
              contentType: request.headers['content-type'] ?? '',
              body: request.body,
            }),
          { name: 'voice_note.upload' },
        );
        return reply.status(created ? 201 : 200).send(note);
      },
    );

    app.get(
      '/:id/audio/',
      {
        config: { access: 'orders.read' },
        schema: {
          tags,
          operationId: 'getVoiceNoteAudio',
          summary: 'The bytes of a voice note, with byte ranges (206) so a player can seek',
          params: IdParamsSchema,
          response: {
            200: fileResponse('The whole note', VOICE_NOTE_CONTENT_TYPES),
            206: fileResponse('The range asked for (Content-Range)', VOICE_NOTE_CONTENT_TYPES),
            ...errorResponses(400, 401, 403, 404, 416, 503),
          },
        },
      },
      async (request, reply) => {
        const note = await voiceNoteAudio(deps.db, actorOf(request), request.params.id);
        const size = note.audio.length;
        const range = parseByteRange(request.headers.range, size);
        if (range === 'unsatisfiable') {
          reply.header('Content-Range', `bytes */${size}`);
          throw new AppError('range_not_satisfiable', 'Plage d’octets hors de la note vocale', { size });
        }
        reply
          .header('Content-Type', note.contentType)
          .header('Accept-Ranges', 'bytes')
          .header('Cache-Control', AUDIO_CACHE_CONTROL)
          .header('ETag', `"${note.sha256}"`);
        // The bytes go out as they are: a Buffer is never serialized (the schema only documents them).
        if (!range) return reply.status(200).send(note.audio as never);
        return reply
          .status(206)
          .header('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
          .send(note.audio.subarray(range.start, range.end + 1) as never);
      },
    );
  };
}
