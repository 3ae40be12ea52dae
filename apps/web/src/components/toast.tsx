import { useSyncExternalStore } from 'react';

export type ToastTone = 'success' | 'error' | 'info' | 'warning';
type Toast = { id: number; tone: ToastTone; message: string };

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

/** Shows a short message in the corner; callable from anywhere (mutations, realtime events). */
export function toast(message: string, tone: ToastTone = 'success', durationMs = 4500): void {
  const id = nextId++;
  toasts = [...toasts, { id, tone, message }].slice(-3);
  emit();
  setTimeout(() => dismiss(id), durationMs);
}

function dismiss(id: number): void {
  toasts = toasts.filter((item) => item.id !== id);
  emit();
}

const TONES: Record<ToastTone, string> = {
  success: 'border-emerald-200 bg-white text-slate-800 [&>span]:bg-emerald-500',
  error: 'border-red-200 bg-white text-slate-800 [&>span]:bg-red-500',
  info: 'border-sky-200 bg-white text-slate-800 [&>span]:bg-sky-500',
  warning: 'border-amber-200 bg-white text-slate-800 [&>span]:bg-amber-500',
};

export function ToastViewport() {
  const items = useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => toasts,
  );
  return (
    <div
      aria-live="polite"
      className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2 print:hidden"
    >
      {items.map((item) => (
        <div
          key={item.id}
          role={item.tone === 'error' ? 'alert' : 'status'}
          className={`pointer-events-auto flex items-start gap-2.5 rounded-lg border px-3.5 py-3 text-sm shadow-lg ${TONES[item.tone]}`}
        >
          <span className="mt-1.5 size-2 shrink-0 rounded-full" aria-hidden="true" />
          <p className="flex-1">{item.message}</p>
          <button
            type="button"
            className="text-slate-400 hover:text-slate-600"
            aria-label="Fermer"
            onClick={() => dismiss(item.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
