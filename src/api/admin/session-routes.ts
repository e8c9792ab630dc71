import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { operatorView } from '../../core/admin/operators.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../core/admin/passwords.js';
import { changePassword, signIn, signOut, type AdminSessionSettings, type OpenSession } from '../../core/admin/sessions.js';
import type { CoreContext } from '../../core/context.js';
import { HoldfastError } from '../../domain/errors.js';
import { requestIdOf } from './access.js';
import { AdminError } from './admin-error.js';
import { NoContent, OperatorAnswer, SessionAnswer, SIGN_IN_ERROR_RESPONSES } from './operator-schemas.js';
import { ADMIN_ERROR_RESPONSES } from './schema-parts.js';
import { SESSION_COOKIE, SESSION_COOKIE_OPTIONS } from './session-authentication.js';

export interface SessionRoutesOptions {
  ctx: CoreContext;
  sessions: AdminSessionSettings;
}

const SignInBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  },
  { additionalProperties: false },
);

const PasswordChangeBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
    new_password: Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH }),
  },
  { additionalProperties: false },
);

// The same words whether the e-mail is unknown, the password wrong or the operator disabled.
const WRONG_PAIR = 'Wrong e-mail or password';

function sessionAnswer(session: OpenSession) {
  return { operator: operatorView(session.operator), csrf_token: session.csrfToken, expires_at: session.expiresAt.toISOString() };
}

function sessionOf(request: FastifyRequest): OpenSession {
  if (!request.adminSession) throw new AdminError('unauthenticated', 'This call needs an operator session, not an admin token');
  return request.adminSession;
}

/**
 * Operators' sessions (docs/admin-api.md): sign in (rate-limited per address and per e-mail,
 * failures counted), see the session, change the password, sign out.
 */
export async function sessionRoutes(root: FastifyInstance, { ctx, sessions }: SessionRoutesOptions): Promise<void> {
  const app = root.withTypeProvider<TypeBoxTypeProvider>();

  const signInSchema = {
    summary: 'Sign in: sets the session cookie',
    body: SignInBody,
    response: { 200: SessionAnswer, ...SIGN_IN_ERROR_RESPONSES },
  };
  app.post('/session', { schema: signInSchema, config: { adminPublic: true } }, async (request, reply) => {
    const { email, password } = request.body;
    const session = await app.limits.adminSignIn
      .guard(request, email.trim().toLowerCase(), async () => {
        const opened = await signIn(ctx, sessions, email, password);
        if (!opened) throw new HoldfastError('unauthenticated', WRONG_PAIR);
        return opened;
      })
      .catch((error: unknown) => {
        if (error instanceof HoldfastError && error.code === 'unauthenticated') throw new AdminError('unauthenticated', WRONG_PAIR);
        throw error;
      });
    void reply.setCookie(SESSION_COOKIE, session.secret, SESSION_COOKIE_OPTIONS);
    return sessionAnswer(session);
  });

  app.get(
    '/session',
    { schema: { summary: 'The caller’s session', response: { 200: SessionAnswer, ...ADMIN_ERROR_RESPONSES } } },
    async (request) => sessionAnswer(sessionOf(request)),
  );

  const signOutSchema = {
    summary: 'Sign out: revokes the session, clears the cookie',
    response: { 204: NoContent, ...ADMIN_ERROR_RESPONSES },
  };
  app.delete('/session', { schema: signOutSchema }, async (request, reply) => {
    await signOut(ctx, sessionOf(request));
    void reply.clearCookie(SESSION_COOKIE, SESSION_COOKIE_OPTIONS);
    return reply.status(204).send(null);
  });

  const passwordSchema = {
    summary: 'Change the signed-in operator’s password',
    body: PasswordChangeBody,
    response: { 200: OperatorAnswer, ...SIGN_IN_ERROR_RESPONSES },
  };
  app.post('/session/password', { schema: passwordSchema }, async (request) => {
    const session = sessionOf(request);
    const { current_password: current, new_password: next } = request.body;
    // A wrong current password counts as a failed sign-in: a session left open must not let anyone guess it.
    const changed = await app.limits.adminSignIn
      .guard(request, session.operator.email, async () => {
        const result = await changePassword(ctx, session, current, next, requestIdOf(request));
        if (!result.ok && result.reason === 'wrong_password') throw new HoldfastError('unauthenticated', 'current_password is wrong');
        return result;
      })
      .catch((error: unknown) => {
        if (error instanceof HoldfastError && error.code === 'unauthenticated')
          throw new AdminError('bad_request', 'current_password is wrong');
        throw error;
      });
    if (!changed.ok) throw new AdminError('bad_request', 'new_password must differ from the current one');
    return { operator: operatorView(changed.operator) };
  });
}
