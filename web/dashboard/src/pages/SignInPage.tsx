import { useState, type SubmitEvent } from 'react';
import { ErrorNote, Field } from '../components/ui';
import { useSession } from '../session';

/** Signing in with e-mail and password (POST /admin/v1/session). */
export function SignInPage({ notice }: { notice: string | null }) {
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(email, password);
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <main id="main" className="centered">
      <section className="card narrow" aria-labelledby="sign-in-title">
        <p className="brand-line">
          <span className="logo" aria-hidden="true">
            H
          </span>{' '}
          Holdfast
        </p>
        <h1 id="sign-in-title">Sign in to the dashboard</h1>
        {notice ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
        <form onSubmit={(event) => void submit(event)} className="stack">
          <Field label="E-mail">
            {(props) => (
              <input {...props} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
            )}
          </Field>
          <Field label="Password">
            {(props) => (
              <input
                {...props}
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          <ErrorNote error={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </section>
    </main>
  );
}
