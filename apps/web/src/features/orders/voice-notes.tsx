import type { VoiceNote } from '@gapal/shared';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { send } from '../../lib/api-client.ts';
import { errorFromResponse } from '../../lib/api-error.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useI18n } from '../../lib/i18n.ts';

/** `m:ss`, as a player shows a length: 65 400 ms → `1:05`. */
export function formatNoteDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * The note's bytes, fetched with the session's bearer token like any API call. An `<audio src>`
 * pointing at the API would go without the token (the dashboard signs requests with a bearer
 * header, not a cookie); a signed short-lived URL would need a second way to authenticate on the
 * server. A note is at most 256 KB, so the simpler sound option is to fetch it once into a Blob
 * and play it from a `blob:` URL, which the browser seeks in by itself. Kept outside the order's
 * query keys: a note never changes, so refetching the order does not fetch its audio again.
 */
const voiceNoteAudioQuery = (id: string) => ({
  queryKey: ['voice-notes', id, 'audio'] as const,
  queryFn: async ({ signal }: { signal: AbortSignal }) => {
    const response = await send(`/api/voice-notes/${id}/audio/`, { signal });
    if (!response.ok) throw await errorFromResponse(response);
    return response.blob();
  },
  staleTime: Number.POSITIVE_INFINITY,
});

/** A `blob:` URL for the note while the player is shown, revoked when it goes. */
function useVoiceNoteUrl(id: string): { url: string | null; failed: boolean } {
  const audio = useQuery(voiceNoteAudioQuery(id));
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!audio.data) return;
    const objectUrl = URL.createObjectURL(audio.data);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [audio.data]);
  return { url, failed: audio.isError };
}

function VoiceNotePlayer({ note }: { note: VoiceNote }) {
  const { t } = useI18n();
  const { url, failed } = useVoiceNoteUrl(note.id);
  return (
    <li className="space-y-1.5 py-2 text-sm" data-testid="voice-note">
      {url ? (
        // biome-ignore lint/a11y/useMediaCaption: a spoken note left by a vendor has no captions to give.
        <audio controls preload="metadata" src={url} className="w-full" aria-label={t('orders.voice_note')} />
      ) : (
        <p className="text-slate-500">{failed ? t('orders.voice_note_unavailable') : t('common.loading')}</p>
      )}
      <p className="text-xs text-slate-500">
        <span className="font-medium text-slate-700 tabular-nums" data-testid="voice-note-duration">
          {formatNoteDuration(note.duration_ms)}
        </span>
        {' · '}
        {t('orders.voice_note_by', { name: note.recorded_by_name ?? '—' })}
        {note.device_name ? ` ${t('orders.voice_note_device', { device: note.device_name })}` : ''}
        {' · '}
        {formatDateTime(note.created_at)}
      </p>
    </li>
  );
}

/** The order's voice notes, oldest first, each with its own player. */
export function VoiceNotes({ notes }: { notes: readonly VoiceNote[] }) {
  return (
    <ul className="divide-y divide-slate-100">
      {notes.map((note) => (
        <VoiceNotePlayer key={note.id} note={note} />
      ))}
    </ul>
  );
}
