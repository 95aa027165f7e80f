import { type Db, tables } from '@zapdeploy/db';
import { assertCanSignUp, checkPassword, DomainError } from '@zapdeploy/domain';
import { betterAuth } from 'better-auth';
import { drizzleAdapter } from 'better-auth/adapters/drizzle';
import { APIError, createAuthMiddleware } from 'better-auth/api';
import { anonymous } from 'better-auth/plugins/anonymous';
import { genericOAuth } from 'better-auth/plugins/generic-oauth';
import type { ApiConfig } from '../config.js';
import type { Mailer } from '../infrastructure/mailer.js';
import { githubOAuthConfig } from './github-oauth.js';

export const GUEST_EMAIL_DOMAIN = 'guest.zapdeploy.invalid';
export const SESSION_COOKIE_PREFIX = 'zapdeploy';

export type AuthDeps = {
  readonly config: ApiConfig;
  readonly secret: string;
  readonly db: Db;
  readonly mailer: Mailer;
  /** Called when a guest becomes a real account: the guest's instances move to it, or a DomainError says why not. */
  readonly onGuestUpgraded: (guestUserId: string, userId: string) => Promise<void>;
  /** Accounts (not guests) that exist: a closed install admits its first account only while there is none. */
  readonly countAccounts: () => Promise<number>;
  /** A password was changed or reset: the user's personal tokens are revoked. */
  readonly onPasswordChanged: (userId: string) => Promise<void>;
  /** A session was created (a sign-in, a sign-up that signs in, a guest): ZAPDEPLOY_SUPERADMINS get their role here. */
  readonly onSignedIn?: (userId: string) => Promise<void>;
  /** Whether an operator suspended the account: no session is created for it (sign-in refused, 403 account_suspended). */
  readonly isSuspended?: (userId: string) => Promise<boolean>;
};

/** A DomainError as Better Auth's error, so that the auth bridge answers it as problem+json with its code. */
function asApiError(error: DomainError): APIError {
  const status = error.kind === 'forbidden' ? 'FORBIDDEN' : error.kind === 'not_found' ? 'NOT_FOUND' : 'CONFLICT';
  return new APIError(status, { code: error.code.toUpperCase(), message: error.code, params: { ...error.params } });
}

/** Better Auth: e-mail/password, guests (anonymous plugin), GitHub; sessions in our database. */
export function createAuth(deps: AuthDeps) {
  const { config } = deps;
  return betterAuth({
    appName: 'Zapdeploy',
    baseURL: config.publicUrl,
    basePath: '/api/auth',
    secret: deps.secret,
    trustedOrigins: [...config.trustedOrigins],
    database: drizzleAdapter(deps.db, {
      provider: 'pg',
      schema: { user: tables.users, session: tables.sessions, account: tables.accounts, verification: tables.verifications },
    }),
    emailAndPassword: {
      enabled: true,
      // Whoever reset the password by e-mail is the owner now: every other session ends.
      revokeSessionsOnPasswordReset: true,
      onPasswordReset: async ({ user }) => {
        await deps.onPasswordChanged(user.id);
      },
      minPasswordLength: 10,
      maxPasswordLength: 128,
      requireEmailVerification: config.requireEmailVerification,
      autoSignIn: !config.requireEmailVerification,
    },
    emailVerification: {
      sendOnSignUp: config.requireEmailVerification,
      autoSignInAfterVerification: true,
      sendVerificationEmail: async ({ user, url }) => {
        await deps.mailer.send({
          to: user.email,
          subject: 'Confirme seu e-mail no Zapdeploy',
          text: `Olá, ${user.name}!\n\nConfirme seu e-mail para entrar no Zapdeploy:\n${url}\n\nSe não foi você, ignore esta mensagem.`,
        });
      },
    },
    session: { expiresIn: 60 * 60 * 24 * 30, updateAge: 60 * 60 * 24 },
    account: {
      encryptOAuthTokens: true,
      // GitHub joins an existing account only when GitHub vouches for the e-mail and the account's own e-mail
      // was confirmed: an unconfirmed password account with someone's address must not capture their GitHub sign-in.
      accountLinking: { enabled: true, trustedProviders: [], requireLocalEmailVerified: true },
    },
    rateLimit: { enabled: false }, // the API's own limiter (Redis-backed in full mode) covers /api/auth
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      useSecureCookies: config.publicUrl.startsWith('https://'),
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax' },
    },
    databaseHooks: {
      session: {
        create: {
          before: async (session) => {
            if (await deps.isSuspended?.(session.userId)) throw asApiError(new DomainError('forbidden', 'account_suspended'));
          },
          after: async (session) => {
            await deps.onSignedIn?.(session.userId);
          },
        },
      },
      user: {
        create: {
          // Every way an account or guest comes to be (e-mail sign-up, GitHub, anonymous) passes here.
          before: async (user) => {
            if ((user as { isAnonymous?: boolean }).isAnonymous) {
              if (!config.access.guests) throw asApiError(new DomainError('forbidden', 'guests_disabled'));
              return;
            }
            if (config.access.publicSignups) return;
            try {
              assertCanSignUp(user.email, {
                publicSignups: config.access.publicSignups,
                localOnly: config.access.localOnly,
                superAdmins: config.access.superAdmins,
                allowlist: config.access.signupAllowlist,
                existingAccounts: await deps.countAccounts(),
              });
            } catch (error) {
              if (error instanceof DomainError) throw asApiError(error);
              throw error;
            }
          },
        },
      },
    },
    hooks: {
      after: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/change-password' || ctx.context.returned instanceof Error) return;
        const userId = (ctx.context.returned as { user?: { id?: string } } | undefined)?.user?.id;
        if (userId) await deps.onPasswordChanged(userId);
      }),
      before: createAuthMiddleware(async (ctx) => {
        if (ctx.path !== '/sign-up/email' && ctx.path !== '/reset-password' && ctx.path !== '/change-password') return;
        const body = (ctx.body ?? {}) as { password?: unknown; newPassword?: unknown; email?: unknown };
        const password = typeof body.newPassword === 'string' ? body.newPassword : body.password;
        if (typeof password !== 'string') return;
        const problem = checkPassword(password, { email: typeof body.email === 'string' ? body.email : undefined });
        if (problem) throw new APIError('BAD_REQUEST', { code: problem.toUpperCase(), message: problem });
      }),
    },
    plugins: [
      anonymous({
        emailDomainName: GUEST_EMAIL_DOMAIN,
        generateName: () => 'Visitante',
        onLinkAccount: async ({ anonymousUser, newUser, ctx }) => {
          try {
            await deps.onGuestUpgraded(anonymousUser.user.id, newUser.user.id);
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            // Refused: the caller stays the guest they were, with their instance. The account's new session
            // is ended and its cookie not sent; the guest (not deleted: the plugin stops at this error) keeps theirs.
            await ctx.context.internalAdapter.deleteSession(newUser.session.token);
            // The hook pipeline's response headers (read the same way by the anonymous plugin; not in its public types).
            (ctx.context as { responseHeaders?: Headers }).responseHeaders?.delete('set-cookie');
            throw asApiError(error);
          }
        },
      }),
      // Registered as a social provider: POST /api/auth/sign-in/social, callback /api/auth/callback/github.
      genericOAuth({
        config: config.github.oauth ? [githubOAuthConfig({ ...config.github.oauth, apiUrl: config.github.apiUrl, webUrl: config.github.webUrl })] : [],
      }),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
