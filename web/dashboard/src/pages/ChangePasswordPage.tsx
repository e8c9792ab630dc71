import { useState, type SubmitEvent } from 'react';
import { ErrorNote, Field } from '../components/ui';
import { useSession } from '../session';

/** The one-time password must be replaced before anything else (POST /admin/v1/session/password). */
export function ChangePasswordPage({ email }: { email: string }) {
  const { changePassword, signOut } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (next !== again) {
      setError(new Error('The two new passwords differ.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await changePassword(current, next);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <main id="main" className="centered">
      <section className="card narrow" aria-labelledby="change-title">
        <h1 id="change-title">Choose a new password</h1>
        <p>
          You signed in as <strong>{email}</strong> with a one-time password. Choose your own before you continue.
        </p>
        <form onSubmit={(event) => void submit(event)} className="stack">
          <Field label="One-time password">
            {(props) => (
              <input
                {...props}
                type="password"
                autoComplete="current-password"
                required
                value={current}
                onChange={(e) => setCurrent(e.target.value)}
              />
            )}
          </Field>
          <Field label="New password" hint="12 to 200 characters.">
            {(props) => (
              <input
                {...props}
                type="password"
                autoComplete="new-password"
                required
                minLength={12}
                maxLength={200}
                value={next}
                onChange={(e) => setNext(e.target.value)}
              />
            )}
          </Field>
          <Field label="New password again">
            {(props) => (
              <input
                {...props}
                type="password"
                autoComplete="new-password"
                required
                minLength={12}
                maxLength={200}
                value={again}
                onChange={(e) => setAgain(e.target.value)}
              />
            )}
          </Field>
          <ErrorNote error={error} />
          <div className="actions">
            <button type="submit" disabled={busy}>
              Change password
            </button>
            <button type="button" className="secondary" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </form>
      </section>
    </main>
  );
}
