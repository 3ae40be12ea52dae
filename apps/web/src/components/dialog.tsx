import type { UseMutationResult } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useRef } from 'react';
import { useI18n } from '../lib/i18n.ts';
import { Button } from './button.tsx';
import { toast } from './toast.tsx';

type DialogProps = {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** When set, the body is a form and the footer gets a submit button. */
  onSubmit?: () => void;
  submitLabel?: string;
  submitVariant?: 'primary' | 'danger';
  isSubmitting?: boolean;
  size?: 'md' | 'lg';
};

/** The native <dialog>: focus trap, Escape and the backdrop come from the browser. */
export function Dialog({
  open,
  title,
  onClose,
  children,
  onSubmit,
  submitLabel,
  submitVariant = 'primary',
  isSubmitting = false,
  size = 'md',
}: DialogProps) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit?.();
  };

  return (
    <dialog
      ref={ref}
      aria-label={title}
      onClose={onClose}
      className={`m-auto w-[calc(100%-2rem)] ${size === 'lg' ? 'max-w-2xl' : 'max-w-md'} rounded-xl bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-slate-900/40`}
    >
      {open ? (
        <form onSubmit={submit} noValidate>
          <div className="flex items-center justify-between border-b border-slate-200 px-5 py-3.5">
            <h2 className="text-base font-semibold">{title}</h2>
            <button
              type="button"
              onClick={onClose}
              aria-label={t('common.close')}
              className="rounded p-1 text-slate-400 hover:bg-slate-100 hover:text-slate-600"
            >
              <svg viewBox="0 0 20 20" className="size-5" fill="currentColor" aria-hidden="true">
                <path d="M6.28 5.22a.75.75 0 0 0-1.06 1.06L8.94 10l-3.72 3.72a.75.75 0 1 0 1.06 1.06L10 11.06l3.72 3.72a.75.75 0 1 0 1.06-1.06L11.06 10l3.72-3.72a.75.75 0 0 0-1.06-1.06L10 8.94 6.28 5.22Z" />
              </svg>
            </button>
          </div>
          <div className="space-y-4 px-5 py-4">{children}</div>
          {onSubmit ? (
            <div className="flex justify-end gap-2 border-t border-slate-200 bg-slate-50 px-5 py-3 rounded-b-xl">
              <Button onClick={onClose}>{t('common.cancel')}</Button>
              <Button type="submit" variant={submitVariant} isLoading={isSubmitting}>
                {submitLabel ?? t('common.save')}
              </Button>
            </div>
          ) : null}
        </form>
      ) : null}
    </dialog>
  );
}

/** "Are you sure?" for destructive actions, with the mutation's error shown inside. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  onConfirm,
  onClose,
  isPending,
  error,
}: {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
  onClose: () => void;
  isPending: boolean;
  error?: Error | null;
}) {
  return (
    <Dialog
      open
      title={title}
      onClose={onClose}
      onSubmit={onConfirm}
      submitLabel={confirmLabel}
      submitVariant="danger"
      isSubmitting={isPending}
    >
      <p className="text-sm text-slate-600">{message}</p>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error.message}
        </p>
      ) : null}
    </Dialog>
  );
}

/**
 * A confirmation that runs one mutation: the dialog shows its progress and error, toasts
 * `successMessage` and closes when it succeeds; closing clears a failed attempt.
 */
export function ConfirmMutationDialog<TVariables>({
  title,
  message,
  confirmLabel,
  mutation,
  variables,
  successMessage,
  onClose,
}: {
  title: string;
  message: string;
  confirmLabel: string;
  mutation: UseMutationResult<unknown, Error, TVariables>;
  variables: TVariables;
  successMessage: string;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog
      title={title}
      message={message}
      confirmLabel={confirmLabel}
      isPending={mutation.isPending}
      error={mutation.error}
      onClose={() => {
        mutation.reset();
        onClose();
      }}
      onConfirm={() =>
        mutation.mutate(variables, {
          onSuccess: () => {
            toast(successMessage);
            onClose();
          },
        })
      }
    />
  );
}
