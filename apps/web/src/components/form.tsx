import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from 'react';
import type { ApiError } from '../lib/api-error.ts';
import { t } from '../lib/i18n.ts';

const CONTROL_BASE =
  'block rounded-md border-0 bg-white px-3 py-1.5 text-sm text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:outline-none disabled:bg-slate-50 disabled:text-slate-500';

function controlClass(hasError: boolean): string {
  return `${CONTROL_BASE} w-full ${hasError ? 'ring-red-400 focus:ring-red-500' : 'ring-slate-300 focus:ring-emerald-600'}`;
}

type FieldProps = {
  label: string;
  /** Message shown under the control, in red, and tied to it with aria-describedby. */
  error?: string | undefined;
  hint?: string | undefined;
  className?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
};

export function Field({ label, error, hint, className = '', children }: FieldProps) {
  const id = useId();
  const messageId = `${id}-message`;
  const message = error ?? hint;
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children({
        id,
        'aria-invalid': Boolean(error),
        ...(message ? { 'aria-describedby': messageId } : {}),
      })}
      {message ? (
        <p id={messageId} className={`mt-1 text-xs ${error ? 'text-red-600' : 'text-slate-500'}`}>
          {message}
        </p>
      ) : null}
    </div>
  );
}

type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
};

export function TextField({ label, error, hint, className, ...input }: TextFieldProps) {
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {(control) => <input {...control} {...input} className={controlClass(Boolean(error))} />}
    </Field>
  );
}

type SelectFieldProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  options: { value: string; label: string }[];
};

export function SelectField({ label, error, hint, options, className, ...select }: SelectFieldProps) {
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {(control) => (
        <select {...control} {...select} className={`${controlClass(Boolean(error))} pr-8`}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

type TextAreaFieldProps = TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  error?: string | undefined;
};

export function TextAreaField({ label, error, className, ...area }: TextAreaFieldProps) {
  return (
    <Field label={label} error={error} className={className}>
      {(control) => <textarea {...control} {...area} className={controlClass(Boolean(error))} />}
    </Field>
  );
}

/** A bare control for filter bars, where the label is visually hidden but still announced. */
export function inputClass(extra = ''): string {
  return `${CONTROL_BASE} ring-slate-300 focus:ring-emerald-600 h-9 ${extra}`;
}

/** A filter bar's choice: a select whose first option, '', is "all". */
export function FilterSelect<T extends string>({
  label,
  allLabel,
  value,
  options,
  onChange,
  className = 'w-40',
}: {
  label: string;
  allLabel: string;
  value: T | '';
  options: readonly { value: T; label: string }[];
  onChange: (value: T | '') => void;
  className?: string;
}) {
  return (
    <select
      aria-label={label}
      className={inputClass(className)}
      value={value}
      onChange={(event) => onChange(event.target.value as T | '')}
    >
      <option value="">{allLabel}</option>
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

/**
 * A period's first and last day for a filter bar: two date inputs, each bounded by the other,
 * each with its visible label ("Créée du … au …"). Empty is no bound.
 */
export function DateRangeInputs({
  labels,
  group,
  from,
  to,
  onChange,
}: {
  /** Shown before each input, and its accessible name. */
  labels: { from: string; to: string };
  /** What the period is of, announced for the pair when a bar has several. */
  group?: string;
  from: string;
  to: string;
  onChange: (change: { from: string } | { to: string }) => void;
}) {
  const labelClass = 'flex items-center gap-1.5 text-sm whitespace-nowrap text-slate-600';
  return (
    <fieldset className="flex items-center gap-1.5">
      {group ? <legend className="sr-only">{group}</legend> : null}
      <label className={labelClass}>
        {labels.from}
        <input
          type="date"
          className={inputClass('w-36')}
          value={from}
          max={to || undefined}
          onChange={(event) => onChange({ from: event.target.value })}
        />
      </label>
      <label className={labelClass}>
        {labels.to}
        <input
          type="date"
          className={inputClass('w-36')}
          value={to}
          min={from || undefined}
          onChange={(event) => onChange({ to: event.target.value })}
        />
      </label>
    </fieldset>
  );
}

/** The form-level message: the server's sentence, when no field took the blame. */
export function FormError({ error }: { error: Error | null | undefined }) {
  if (!error) return null;
  const fields = (error as Partial<ApiError>).fields ?? {};
  const hasFieldErrors = Object.keys(fields).length > 0;
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {hasFieldErrors ? t('form.fix_fields') : error.message}
    </div>
  );
}

/** The message for one field of a failed mutation (`fieldError(error, 'username')`). */
export function fieldError(error: Error | null | undefined, field: string): string | undefined {
  const fields = (error as Partial<ApiError> | null | undefined)?.fields;
  return fields?.[field];
}
