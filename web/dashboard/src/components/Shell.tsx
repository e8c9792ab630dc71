import { Link, Outlet } from '@tanstack/react-router';
import { useState } from 'react';
import { useSession } from '../session';
import { ChangePasswordPage } from '../pages/ChangePasswordPage';
import { SignInPage } from '../pages/SignInPage';
import { ErrorNote, Loading } from './ui';

const NAV = [
  { to: '/', label: 'Home' },
  { to: '/orders', label: 'Orders' },
  { to: '/reviews', label: 'Manual review' },
  { to: '/merchants', label: 'Merchants & keys' },
  { to: '/webhooks', label: 'Webhooks' },
  { to: '/jobs', label: 'Jobs' },
  { to: '/audit', label: 'Audit log' },
] as const;

/** Every page's frame: a skip link, the banner with navigation and sign-out, and the main region. */
export function Shell() {
  const session = useSession();
  const { state } = session;
  const [signOutError, setSignOutError] = useState<unknown>(null);

  if (state.status === 'loading') {
    return (
      <main id="main" className="centered">
        <Loading what="Opening the dashboard" />
      </main>
    );
  }
  if (state.status === 'signed-out') return <SignInPage notice={state.notice} />;
  if (state.status === 'must-change-password') return <ChangePasswordPage email={state.operator.email} />;

  const { me } = state;
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="banner">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            H
          </span>
          <span>Holdfast</span>
        </div>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} activeOptions={{ exact: item.to === '/' }} activeProps={{ 'aria-current': 'page', className: 'active' }}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {me.name} <span className="role">{me.role}</span>
          </span>
          <button
            type="button"
            className="secondary small"
            onClick={() => {
              session.signOut().catch(setSignOutError);
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <ErrorNote error={signOutError} />
        <Outlet />
      </main>
      <footer className="footer">
        <p>All times are shown in UTC.</p>
      </footer>
    </>
  );
}
