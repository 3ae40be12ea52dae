import type { ButtonHTMLAttributes, ReactNode } from 'react';
import { formatAmount } from '../lib/format.ts';

/** Big (≥ 48 px), high-contrast controls for a phone used outside in the sun. */
export function BigButton({
  tone = 'primary',
  className = '',
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { tone?: 'primary' | 'secondary' | 'danger' }) {
  const tones = {
    primary: 'bg-emerald-900 text-white active:bg-emerald-950 disabled:bg-slate-400',
    secondary: 'bg-white text-black border-2 border-black active:bg-slate-100 disabled:text-slate-400',
    danger: 'bg-red-700 text-white active:bg-red-800 disabled:bg-slate-400',
  };
  return (
    <button
      type="button"
      {...props}
      className={`min-h-12 rounded-xl px-4 text-lg font-bold ${tones[tone]} ${className}`}
    />
  );
}

export function Field({ label, children, hint }: { label: string; children: ReactNode; hint?: string }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child
    <label className="block">
      <span className="mb-1 block text-base font-bold">{label}</span>
      {children}
      {hint ? <span className="mt-1 block text-sm text-slate-700">{hint}</span> : null}
    </label>
  );
}

export const inputClass =
  'block w-full min-h-12 rounded-xl border-2 border-black bg-white px-3 text-lg text-black placeholder:text-slate-500 focus:outline-none focus:ring-4 focus:ring-amber-400';

export function Card({ children, className = '' }: { children: ReactNode; className?: string }) {
  return <div className={`rounded-xl border-2 border-slate-900 bg-white p-3 ${className}`}>{children}</div>;
}

export const money = formatAmount;
