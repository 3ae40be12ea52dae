import type { ReactNode, ThHTMLAttributes } from 'react';

/** The card that holds every list: a toolbar slot, then a scrollable table. */
export function TableCard({
  toolbar,
  children,
  footer,
}: {
  toolbar?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-sm">
      {toolbar ? <div className="border-b border-slate-200 bg-white px-4 py-3">{toolbar}</div> : null}
      {/* relative: keeps absolutely positioned children (sr-only labels) inside the scroller. */}
      <div className="relative overflow-x-auto">
        <table className="min-w-full divide-y divide-slate-200 text-sm">{children}</table>
      </div>
      {footer ? <div className="border-t border-slate-200 bg-slate-50 px-4 py-2.5">{footer}</div> : null}
    </div>
  );
}

export function Th({ children, className = '', ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={`bg-slate-50 px-3 py-2.5 text-left text-xs font-semibold tracking-wide whitespace-nowrap text-slate-600 uppercase ${className}`}
      {...rest}
    >
      {children}
    </th>
  );
}

export const TBODY = 'divide-y divide-slate-100 bg-white text-slate-700';
/** No text colour here, so a cell can set its own (the body sets the default). */
export const TD = 'px-3 py-2.5 whitespace-nowrap';
/**
 * A row's actions stay at the table's right edge while the other columns scroll beneath them
 * (a 1024 px laptop cannot show every column): no action is ever cut off.
 */
export const ACTIONS_TD = `${TD} sticky right-0 bg-white text-right shadow-[inset_1px_0_0_0_#e2e8f0]`;
/** The header cell above ACTIONS_TD. */
export const ACTIONS_TH = 'sticky right-0 text-right shadow-[inset_1px_0_0_0_#e2e8f0]';
