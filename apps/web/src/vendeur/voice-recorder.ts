import { VOICE_NOTE_MAX_DURATION_MS } from '@gapal/shared';

/**
 * The voice note recorder's states, pure (the component drives the browser's MediaRecorder and
 * feeds events in): press to record, press to stop (or 60 s), play back, delete, re-record.
 */
export type RecorderState =
  | { kind: 'empty' }
  | { kind: 'asking' }
  | { kind: 'recording'; elapsedMs: number }
  | { kind: 'recorded'; durationMs: number }
  | { kind: 'unavailable'; reason: UnavailableReason };

export type UnavailableReason = 'no_microphone' | 'permission_denied' | 'codec_missing' | 'failed';

export type RecorderEvent =
  | { type: 'start' }
  | { type: 'started' }
  | { type: 'tick'; elapsedMs: number }
  | { type: 'recorded'; durationMs: number }
  | { type: 'delete' }
  | { type: 'unavailable'; reason: UnavailableReason };

export const initialRecorderState = (hasNote: boolean, durationMs = 0): RecorderState =>
  hasNote ? { kind: 'recorded', durationMs } : { kind: 'empty' };

export function recorderReducer(state: RecorderState, event: RecorderEvent): RecorderState {
  switch (event.type) {
    case 'start':
      // Re-recording replaces the note; a second press while asking or recording changes nothing.
      return state.kind === 'asking' || state.kind === 'recording' ? state : { kind: 'asking' };
    case 'started':
      return state.kind === 'asking' ? { kind: 'recording', elapsedMs: 0 } : state;
    case 'tick':
      return state.kind === 'recording'
        ? { kind: 'recording', elapsedMs: Math.min(event.elapsedMs, VOICE_NOTE_MAX_DURATION_MS) }
        : state;
    case 'recorded':
      return { kind: 'recorded', durationMs: Math.min(event.durationMs, VOICE_NOTE_MAX_DURATION_MS) };
    case 'delete':
      return state.kind === 'recorded' || state.kind === 'unavailable' ? { kind: 'empty' } : state;
    case 'unavailable':
      return { kind: 'unavailable', reason: event.reason };
  }
}

/** The recorder stops by itself at the longest note the server takes. */
export const shouldAutoStop = (elapsedMs: number): boolean => elapsedMs >= VOICE_NOTE_MAX_DURATION_MS;

/** Opus in WebM (Chrome, Android) or else in Ogg (Firefox); none: the phone cannot record a note. */
export const RECORDING_TYPES = ['audio/webm;codecs=opus', 'audio/ogg;codecs=opus'] as const;

export function pickRecordingType(isTypeSupported: (type: string) => boolean): string | undefined {
  return RECORDING_TYPES.find((type) => isTypeSupported(type));
}

/** About 12–16 kbit/s mono: a 20 s note is 30–40 KB, a few seconds of 2G. */
export const RECORDING_BITS_PER_SECOND = 16_000;

export const MICROPHONE_CONSTRAINTS = {
  audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
} as const;

/** What `getUserMedia` or `MediaRecorder` threw, as the reason the vendor is told. */
export function unavailableReason(error: unknown): UnavailableReason {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError')
    return 'permission_denied';
  if (name === 'NotFoundError' || name === 'DevicesNotFoundError' || name === 'OverconstrainedError')
    return 'no_microphone';
  if (name === 'NotSupportedError') return 'codec_missing';
  return 'failed';
}

export const UNAVAILABLE_MESSAGES: Record<UnavailableReason, string> = {
  no_microphone: 'Pas de micro sur ce téléphone : écrivez la note.',
  permission_denied:
    "Le micro est refusé à l'application : autorisez-le dans les réglages du navigateur, ou écrivez la note.",
  codec_missing: 'Ce téléphone ne sait pas enregistrer de note vocale : écrivez la note.',
  failed: "L'enregistrement n'a pas marché : réessayez, ou écrivez la note.",
};

/** `0:07 / 1:00`: the counter shown while recording. */
export function formatCounter(elapsedMs: number, maxMs = VOICE_NOTE_MAX_DURATION_MS): string {
  return `${clock(elapsedMs)} / ${clock(maxMs)}`;
}

export function clock(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
