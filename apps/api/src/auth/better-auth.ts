import { type Db, tables } from '@zapdeploy/db';
import { checkPassword } from '@zapdeploy/domain';
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
  /** Called when a guest becomes a real account: the guest's instances move to it. */
  readonly onGuestUpgraded: (guestUserId: string, userId: string) => Promise<void>;
};

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
      accountLinking: { enabled: true, trustedProviders: ['github'] },
    },
    rateLimit: { enabled: false }, // the API's own limiter (Redis-backed in full mode) covers /api/auth
    advanced: {
      cookiePrefix: SESSION_COOKIE_PREFIX,
      useSecureCookies: config.publicUrl.startsWith('https://'),
      defaultCookieAttributes: { httpOnly: true, sameSite: 'lax' },
    },
    hooks: {
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
        onLinkAccount: async ({ anonymousUser, newUser }) => {
          await deps.onGuestUpgraded(anonymousUser.user.id, newUser.user.id);
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
