import { useState } from 'react';

/** A secret shown once (docs/admin-api.md): each field readable and copyable, then gone for good. */
export function SecretView({ secret, onClose }: { secret: unknown; onClose: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const fields = secret && typeof secret === 'object' ? Object.entries(secret as Record<string, unknown>) : [];
  return (
    <div className="stack">
      <p className="notice" role="note">
        Copy these now: Holdfast keeps only a hash or a sealed copy and cannot show them again.
      </p>
      <dl className="secrets">
        {fields.map(([key, value]) => {
          const text = typeof value === 'string' ? value : JSON.stringify(value);
          return (
            <div key={key} className="item">
              <dt>{key}</dt>
              <dd>
                <code className="mono secret">{text}</code>{' '}
                <button
                  type="button"
                  className="secondary small"
                  onClick={() => {
                    void (navigator.clipboard as Clipboard | undefined) // absent outside a secure context
                      ?.writeText(text)
                      .then(() => setCopied(key))
                      .catch(() => setCopied(null));
                  }}
                >
                  Copy<span className="visually-hidden"> {key}</span>
                </button>
                {copied === key ? <span role="status"> Copied</span> : null}
              </dd>
            </div>
          );
        })}
      </dl>
      <div className="actions">
        <button type="button" onClick={onClose}>
          I have stored them
        </button>
      </div>
    </div>
  );
}
