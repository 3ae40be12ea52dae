import { describe, expect, it } from 'vitest';
import {
  formatCounter,
  initialRecorderState,
  pickRecordingType,
  type RecorderState,
  recorderReducer,
  shouldAutoStop,
  UNAVAILABLE_MESSAGES,
  unavailableReason,
} from './voice-recorder.ts';

describe('voice note recorder', () => {
  it('records, stops, deletes and records again', () => {
    let state: RecorderState = initialRecorderState(false);
    state = recorderReducer(state, { type: 'start' });
    expect(state).toEqual({ kind: 'asking' });
    state = recorderReducer(state, { type: 'started' });
    state = recorderReducer(state, { type: 'tick', elapsedMs: 7_400 });
    expect(state).toEqual({ kind: 'recording', elapsedMs: 7_400 });
    // A second press while recording does not start another recording.
    expect(recorderReducer(state, { type: 'start' })).toBe(state);
    state = recorderReducer(state, { type: 'recorded', durationMs: 7_500 });
    expect(state).toEqual({ kind: 'recorded', durationMs: 7_500 });
    expect(recorderReducer(state, { type: 'delete' })).toEqual({ kind: 'empty' });
    // Re-recording over a kept note asks for the microphone again.
    expect(recorderReducer(state, { type: 'start' })).toEqual({ kind: 'asking' });
  });

  it('stops by itself at 60 s and never counts past it', () => {
    expect(shouldAutoStop(59_999)).toBe(false);
    expect(shouldAutoStop(60_000)).toBe(true);
    const state = recorderReducer(
      { kind: 'recording', elapsedMs: 59_000 },
      { type: 'tick', elapsedMs: 61_200 },
    );
    expect(state).toEqual({ kind: 'recording', elapsedMs: 60_000 });
    expect(formatCounter(7_400)).toBe('0:07 / 1:00');
    expect(formatCounter(60_000)).toBe('1:00 / 1:00');
  });

  it('records Opus in WebM, else in Ogg, else says the phone cannot', () => {
    expect(pickRecordingType(() => true)).toBe('audio/webm;codecs=opus');
    expect(pickRecordingType((type) => type.startsWith('audio/ogg'))).toBe('audio/ogg;codecs=opus');
    expect(pickRecordingType(() => false)).toBeUndefined();
  });

  it('tells the vendor in French why recording is impossible', () => {
    expect(unavailableReason(new DOMException('no', 'NotAllowedError'))).toBe('permission_denied');
    expect(unavailableReason(new DOMException('none', 'NotFoundError'))).toBe('no_microphone');
    expect(unavailableReason(new DOMException('codec', 'NotSupportedError'))).toBe('codec_missing');
    expect(unavailableReason(new Error('?'))).toBe('failed');
    const state = recorderReducer({ kind: 'asking' }, { type: 'unavailable', reason: 'permission_denied' });
    expect(state).toEqual({ kind: 'unavailable', reason: 'permission_denied' });
    expect(UNAVAILABLE_MESSAGES.permission_denied).toMatch(/micro est refusé/);
    expect(UNAVAILABLE_MESSAGES.no_microphone).toMatch(/écrivez la note/);
  });
});
