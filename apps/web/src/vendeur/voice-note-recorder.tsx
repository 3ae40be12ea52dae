import type { RecordedVoiceNote } from '@gapal/sync-client';
import { useEffect, useReducer, useRef, useState } from 'react';
import { Icon } from '../components/icons.tsx';
import {
  clock,
  formatCounter,
  initialRecorderState,
  MICROPHONE_CONSTRAINTS,
  pickRecordingType,
  RECORDING_BITS_PER_SECOND,
  recorderReducer,
  shouldAutoStop,
  UNAVAILABLE_MESSAGES,
  unavailableReason,
} from './voice-recorder.ts';

type Props = {
  /** The note as it stands (recorded now or kept on the phone); null: none. */
  note: RecordedVoiceNote | null;
  onChange(note: RecordedVoiceNote | null): void;
};

/**
 * Press to record, press to stop (60 s at most, with a counter), play back, delete, re-record.
 * Opus at 16 kbit/s mono through MediaRecorder; where the phone cannot record, it says why and the
 * vendor types the note instead.
 */
export function VoiceNoteRecorder({ note, onChange }: Props) {
  const [state, dispatch] = useReducer(recorderReducer, undefined, () =>
    initialRecorderState(note !== null, note?.durationMs),
  );
  const recorder = useRef<MediaRecorder | null>(null);
  const ticker = useRef<ReturnType<typeof setInterval> | undefined>(undefined);
  const latestOnChange = useRef(onChange);
  latestOnChange.current = onChange;

  const [playback, setPlayback] = useState<string | null>(null);
  useEffect(() => {
    if (!note) {
      setPlayback(null);
      return;
    }
    const url = URL.createObjectURL(new Blob([note.audio], { type: note.contentType }));
    setPlayback(url);
    return () => URL.revokeObjectURL(url);
  }, [note]);
  // Leaving the step while recording: stop, and keep what was said.
  useEffect(
    () => () => {
      clearInterval(ticker.current);
      if (recorder.current?.state === 'recording') recorder.current.stop();
    },
    [],
  );

  const stop = () => {
    clearInterval(ticker.current);
    if (recorder.current?.state === 'recording') recorder.current.stop();
  };

  const start = async () => {
    dispatch({ type: 'start' });
    const mimeType =
      typeof MediaRecorder === 'undefined'
        ? undefined
        : pickRecordingType((type) => MediaRecorder.isTypeSupported(type));
    if (!mimeType) {
      dispatch({ type: 'unavailable', reason: 'codec_missing' });
      return;
    }
    if (!navigator.mediaDevices?.getUserMedia) {
      dispatch({ type: 'unavailable', reason: 'no_microphone' });
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(MICROPHONE_CONSTRAINTS);
    } catch (error) {
      dispatch({ type: 'unavailable', reason: unavailableReason(error) });
      return;
    }
    let media: MediaRecorder;
    try {
      media = new MediaRecorder(stream, { mimeType, audioBitsPerSecond: RECORDING_BITS_PER_SECOND });
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      dispatch({ type: 'unavailable', reason: unavailableReason(error) });
      return;
    }
    const chunks: Blob[] = [];
    const startedAt = Date.now();
    media.ondataavailable = (event) => {
      if (event.data.size > 0) chunks.push(event.data);
    };
    media.onstop = () => {
      for (const track of stream.getTracks()) track.stop();
      const durationMs = Math.max(1, Date.now() - startedAt);
      const blob = new Blob(chunks, { type: mimeType });
      void blob.arrayBuffer().then((audio) => {
        if (audio.byteLength === 0) {
          dispatch({ type: 'unavailable', reason: 'failed' });
          return;
        }
        dispatch({ type: 'recorded', durationMs });
        latestOnChange.current({ audio, contentType: mimeType, durationMs });
      });
    };
    recorder.current = media;
    media.start(1_000);
    dispatch({ type: 'started' });
    ticker.current = setInterval(() => {
      const elapsedMs = Date.now() - startedAt;
      dispatch({ type: 'tick', elapsedMs });
      if (shouldAutoStop(elapsedMs)) stop();
    }, 250);
  };

  return (
    <div className="space-y-2 rounded-xl border-2 border-black p-3" data-testid="voice-note">
      <p className="text-base font-bold">Note vocale</p>
      {state.kind === 'recording' ? (
        <>
          <p
            className="text-center text-3xl font-black tabular-nums"
            data-testid="voice-counter"
            aria-live="polite"
          >
            {formatCounter(state.elapsedMs)}
          </p>
          <button
            type="button"
            onClick={stop}
            className="min-h-16 w-full rounded-xl bg-red-700 text-lg font-black text-white"
          >
            <Icon name="microphone" className="mr-2 inline size-7 align-middle" />
            Arrêter la note vocale
          </button>
        </>
      ) : null}
      {state.kind === 'recorded' && note && playback ? (
        <>
          {/* biome-ignore lint/a11y/useMediaCaption: a spoken note recorded by the vendor has no captions */}
          <audio controls src={playback} className="w-full" data-testid="voice-playback" />
          <p className="text-sm">Durée : {clock(note.durationMs)}</p>
          <div className="grid grid-cols-2 gap-2">
            <button
              type="button"
              onClick={() => {
                dispatch({ type: 'delete' });
                onChange(null);
              }}
              className="min-h-12 rounded-xl border-2 border-red-800 text-base font-bold text-red-900"
            >
              Supprimer la note
            </button>
            <button
              type="button"
              onClick={() => void start()}
              className="min-h-12 rounded-xl border-2 border-black text-base font-bold"
            >
              Réenregistrer
            </button>
          </div>
        </>
      ) : null}
      {state.kind === 'unavailable' ? (
        <p
          role="alert"
          className="rounded-xl bg-amber-100 p-3 font-bold text-amber-950"
          data-testid="voice-unavailable"
        >
          {UNAVAILABLE_MESSAGES[state.reason]}
        </p>
      ) : null}
      {state.kind === 'empty' ||
      state.kind === 'asking' ||
      (state.kind === 'recorded' && !note) ||
      (state.kind === 'unavailable' && state.reason !== 'codec_missing') ? (
        <button
          type="button"
          onClick={() => void start()}
          disabled={state.kind === 'asking'}
          className="min-h-16 w-full rounded-xl bg-sky-800 text-lg font-black text-white disabled:bg-slate-400"
        >
          <Icon name="microphone" className="mr-2 inline size-7 align-middle" />
          Démarrer la note vocale
        </button>
      ) : null}
    </div>
  );
}
