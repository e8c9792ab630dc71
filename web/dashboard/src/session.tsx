import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, call, onSessionEnded, setCsrfToken } from './api';
import type { Me, Operator, Role, SessionAnswer } from './types';

/**
 * Who is signed in (docs/admin-api.md, "Operator session"): the session's operator and GET /me's
 * role. The CSRF token goes to the API client's memory, never to storage.
 */
export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; notice: string | null }
  | { status: 'must-change-password'; operator: Operator }
  | { status: 'signed-in'; me: Me; operator: Operator | null };

interface SessionApi {
  state: SessionState;
  signIn: (email: string, password: string) => Promise<void>;
  changePassword: (current: string, next: string) => Promise<void>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

const ROLES: Role[] = ['viewer', 'support', 'admin'];

/** Whether `role` may do what `needed` may (each role includes the ones below it). */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const queryClient = useQueryClient();

  const enter = useCallback(async (answer: SessionAnswer) => {
    setCsrfToken(answer.csrf_token);
    if (answer.operator.must_change_password) {
      setState({ status: 'must-change-password', operator: answer.operator });
      return;
    }
    const me = await api.get<Me>('/me');
    setState({ status: 'signed-in', me, operator: answer.operator });
  }, []);

  useEffect(() => {
    onSessionEnded(() => {
      setCsrfToken(null);
      queryClient.clear();
      setState({ status: 'signed-out', notice: 'Your session has ended. Sign in again to continue.' });
    });
    let cancelled = false;
    call<SessionAnswer>('GET', '/session', { quietUnauthenticated: true })
      .then((answer) => (cancelled ? undefined : enter(answer)))
      .catch((error: unknown) => {
        if (cancelled) return;
        const notice = error instanceof ApiError && error.status !== 401 ? error.message : null;
        setState({ status: 'signed-out', notice });
      });
    return () => {
      cancelled = true;
    };
  }, [enter, queryClient]);

  const value = useMemo<SessionApi>(
    () => ({
      state,
      signIn: async (email, password) => {
        const answer = await call<SessionAnswer>('POST', '/session', { body: { email, password }, quietUnauthenticated: true });
        await enter(answer);
      },
      changePassword: async (current, next) => {
        await api.post<{ operator: Operator }>('/session/password', { current_password: current, new_password: next });
        const answer = await api.get<SessionAnswer>('/session');
        await enter(answer);
      },
      signOut: async () => {
        try {
          await call('DELETE', '/session', { quietUnauthenticated: true });
        } finally {
          setCsrfToken(null);
          queryClient.clear();
          setState({ status: 'signed-out', notice: 'You have signed out.' });
        }
      },
    }),
    [state, enter, queryClient],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in caller's role and merchant scope (only rendered inside the signed-in shell). */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe while not signed in');
  return state.me;
}

/** Whether the signed-in role may do what `needed` may: actions it may not are hidden or disabled. */
export function useCan(needed: Role): boolean {
  return roleAllows(useMe().role, needed);
}
