import { useEffect, useId, useRef, type ReactNode } from 'react';
import { errorMessage } from '../api';

/** A short status word in a coloured pill; `tone` says whether it is good, bad or waiting. */
export function Badge({ tone = 'neutral', children }: { tone?: 'good' | 'bad' | 'warn' | 'neutral'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** The tone of an order, payment, operation or credential status. */
export function statusTone(status: string | null | undefined): 'good' | 'bad' | 'warn' | 'neutral' {
  const value = (status ?? '').toUpperCase();
  if (/FAIL|DECLIN|REVOKED|ERROR|GAVE_UP/.test(value)) return 'bad';
  if (/PENDING|REVIEW|EXPIRING|CREATED|ATTEMPTED/.test(value)) return 'warn';
  if (/CAPTURED|AUTHORIZED|SUCCEEDED|SUCCESS|DELIVERED|ACTIVE|REFUNDED|VOIDED|CHARGED/.test(value)) return 'good';
  return 'neutral';
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  return <Badge tone={statusTone(status)}>{status ?? '—'}</Badge>;
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status">
      {what}…
    </p>
  );
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error-note" role="alert">
      {errorMessage(error)}
    </p>
  );
}

export function SuccessNote({ children }: { children: ReactNode }) {
  return (
    <p className="success-note" role="status">
      {children}
    </p>
  );
}

interface FieldProps {
  label: string;
  hint?: string;
  children: (props: { id: string; 'aria-describedby'?: string }) => ReactNode;
}

/** A labelled control (and its hint, tied to it with aria-describedby). */
export function Field({ label, hint, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(hint ? { id, 'aria-describedby': hintId } : { id })}
      {hint ? (
        <span className="hint" id={hintId}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

/** A modal dialog (the browser's own <dialog>: focus kept inside, Escape closes it). */
export function Dialog({ title, open, onClose, children }: { title: string; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} className="dialog">
      <h2 id={titleId}>{title}</h2>
      {open ? children : null}
    </dialog>
  );
}

/** "Next page" over keyset cursors (docs/admin-api.md, Conventions), and back to the first page. */
export function Pager({
  nextCursor,
  onNext,
  onFirst,
  isFirst,
}: {
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onFirst: () => void;
  isFirst: boolean;
}) {
  return (
    <nav className="pager" aria-label="Pages">
      <button type="button" className="secondary" disabled={isFirst} onClick={onFirst}>
        First page
      </button>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && onNext(nextCursor)}>
        Next page
      </button>
    </nav>
  );
}

/** A term and its value in a description list. */
export function Item({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="item">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Long ids shown in full but in a monospace face that wraps. */
export function Mono({ children }: { children: ReactNode }) {
  return <code className="mono">{children}</code>;
}
