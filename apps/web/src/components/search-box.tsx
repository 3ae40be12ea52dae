import { inputClass } from './form.tsx';
import { Icon } from './icons.tsx';

/** A list's search field: the magnifier inside, the label announced but not shown. */
export function SearchBox({
  label,
  placeholder,
  value,
  onChange,
  className = 'w-80',
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  className?: string;
}) {
  return (
    <div className={`relative ${className}`}>
      <Icon name="search" className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-slate-400" />
      <input
        type="search"
        aria-label={label}
        placeholder={placeholder}
        className={inputClass('w-full pl-8')}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
}
