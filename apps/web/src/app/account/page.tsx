'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { LanguageSelect } from '@/components/header';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';
import { api } from '@/lib/api';
import { formatDate } from '@/lib/format';
import { useFeatures } from '@/lib/use-features';
import { useMe } from '@/lib/use-me';

type Scope = 'read' | 'deploy' | 'full';
type Token = { id: string; name: string; prefix: string; scope: Scope; expiresAt: string | null; createdAt: string; lastUsedAt: string | null };

const SCOPES: readonly Scope[] = ['read', 'deploy', 'full'];
/** Lifetimes offered, in days; '' is "never expires". */
const EXPIRIES = ['30', '90', '365', ''] as const;

export default function AccountPage() {
  const { t, locale } = useI18n();
  const router = useRouter();
  const me = useMe();
  const features = useFeatures();
  const [tokens, setTokens] = useState<Token[]>();
  const [fresh, setFresh] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [github, setGithub] = useState<{ connected: boolean; installUrl: string | null }>();
  const [scope, setScope] = useState<Scope>('read');

  const loadTokens = useCallback(() => {
    api<{ items: Token[] }>('/api/v1/tokens').then(
      (page) => setTokens(page.items),
      () => setTokens([]),
    );
  }, []);

  useEffect(() => {
    if (me === null) router.replace('/login');
    if (me && !me.user.isGuest) loadTokens();
  }, [me, router, loadTokens]);
  useEffect(() => {
    if (!features?.githubApp || !me || me.user.isGuest) return;
    api<{ installUrl: string | null }>('/api/v1/github/repos').then(
      (result) => setGithub({ connected: true, installUrl: result.installUrl }),
      () => setGithub({ connected: false, installUrl: null }),
    );
  }, [features, me]);

  async function createToken(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const name = String(data.get('tokenName') ?? '');
    const expiry = String(data.get('tokenExpiry') ?? '90');
    setError(undefined);
    try {
      const created = await api<{ token: string }>('/api/v1/tokens', {
        method: 'POST',
        body: { name, scope, expiresInDays: expiry === '' ? null : Number(expiry) },
        locale,
      });
      setFresh(created.token);
      form.reset();
      setScope('read');
      loadTokens();
    } catch (problem) {
      setError(problem);
    }
  }

  if (!me) return <p className="muted">{t('common.loading')}</p>;
  return (
    <div className="stack" style={{ maxWidth: 760 }}>
      <h1>{t('account.title')}</h1>
      <section className="card stack" aria-labelledby="profile">
        <h2 id="profile" style={{ margin: 0 }}>
          {t('account.profile')}
        </h2>
        <p style={{ margin: 0 }}>
          <strong>{me.user.isGuest ? t('account.guest') : me.user.name}</strong>
          {me.user.email ? <span className="muted"> · {me.user.email}</span> : null}
        </p>
        {me.user.isGuest ? (
          <div>
            <a className="btn primary" href="/login?mode=signup">
              {t('guest.keep')}
            </a>
          </div>
        ) : null}
      </section>
      <section className="card stack" aria-labelledby="language">
        <h2 id="language" style={{ margin: 0 }}>
          <label htmlFor="language-account" style={{ margin: 0, fontSize: 'inherit' }}>
            {t('account.language')}
          </label>
        </h2>
        <LanguageSelect id="language-account" />
      </section>
      {!me.user.isGuest ? (
        <section className="card stack" aria-labelledby="tokens">
          <h2 id="tokens" style={{ margin: 0 }}>
            {t('account.tokens')}
          </h2>
          <p className="hint" style={{ margin: 0 }}>
            {t('account.tokensHint')} {t('account.tokensRevokedOnPassword')}
          </p>
          <form className="stack" onSubmit={createToken}>
            <div className="row">
              <label htmlFor="tokenName" className="skip">
                {t('account.tokenName')}
              </label>
              <input
                id="tokenName"
                name="tokenName"
                required
                maxLength={64}
                placeholder={t('account.tokenName')}
                style={{ flex: '1 1 200px', width: 'auto' }}
              />
              <div className="field" style={{ flex: '0 1 180px', margin: 0 }}>
                <label htmlFor="tokenExpiry" className="skip">
                  {t('account.tokenExpiry')}
                </label>
                <select id="tokenExpiry" name="tokenExpiry" defaultValue="90" aria-label={t('account.tokenExpiry')}>
                  {EXPIRIES.map((days) => (
                    <option key={days} value={days}>
                      {days === '' ? t('account.expiry.never') : t('account.expiry.days', days)}
                    </option>
                  ))}
                </select>
              </div>
            </div>
            <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0, gap: '.35rem' }}>
              <legend className="small" style={{ padding: 0, marginBottom: '.35rem' }}>
                {t('account.tokenScope')}
              </legend>
              {SCOPES.map((value) => (
                <label key={value} className="row" style={{ gap: '.5rem', alignItems: 'flex-start', fontWeight: 'normal' }}>
                  <input
                    type="radio"
                    name="tokenScope"
                    value={value}
                    checked={scope === value}
                    onChange={() => setScope(value)}
                    style={{ width: 'auto', marginTop: '.25rem' }}
                  />
                  <span>
                    <strong>{t(`account.scope.${value}`)}</strong>
                    <br />
                    <span className="small muted">{t(`account.scopeHint.${value}`)}</span>
                  </span>
                </label>
              ))}
            </fieldset>
            <div>
              <button className="btn primary" type="submit">
                {t('account.tokenCreate')}
              </button>
            </div>
          </form>
          <ProblemAlert error={error} />
          {fresh ? (
            <div className="alert ok stack" role="status">
              <span>{t('account.tokenOnce')}</span>
              <code className="mono" style={{ overflowWrap: 'anywhere' }} data-testid="fresh-token">
                {fresh}
              </code>
              <div>
                <button type="button" className="btn small" onClick={() => navigator.clipboard?.writeText(fresh)}>
                  {t('common.copy')}
                </button>
              </div>
            </div>
          ) : null}
          {tokens?.length === 0 ? <p className="muted small">{t('account.tokensNone')}</p> : null}
          <ul className="list">
            {tokens?.map((token) => (
              <li key={token.id} className="row between">
                <span>
                  <strong>{token.name}</strong> <span className="mono small muted">{token.prefix}…</span>{' '}
                  <span className="badge" data-testid="token-scope">
                    {t(`account.scope.${token.scope}`)}
                  </span>
                  <br />
                  <span className="small muted">
                    {t('account.tokenCreated', formatDate(token.createdAt, locale))}
                    {' · '}
                    {token.expiresAt ? t('account.tokenExpires', formatDate(token.expiresAt, locale)) : t('account.tokenNeverExpires')}
                    {token.lastUsedAt ? ` · ${t('account.tokenUsed', formatDate(token.lastUsedAt, locale))}` : ''}
                  </span>
                </span>
                <button
                  type="button"
                  className="btn small danger"
                  onClick={async () => {
                    await api(`/api/v1/tokens/${token.id}`, { method: 'DELETE' }).catch(setError);
                    loadTokens();
                  }}
                >
                  {t('account.tokenRevoke')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {features?.githubApp && !me.user.isGuest ? (
        <section className="card stack" aria-labelledby="github">
          <h2 id="github" style={{ margin: 0 }}>
            {t('account.github')}
          </h2>
          {github?.connected ? <p style={{ margin: 0 }}>{t('account.githubConnected')}</p> : null}
          <div className="row">
            {!github?.connected && features.githubSignIn ? (
              <button
                type="button"
                className="btn"
                onClick={async () => {
                  const result = await api<{ url: string }>('/api/auth/sign-in/social', {
                    method: 'POST',
                    body: { provider: 'github', callbackURL: '/account' },
                  });
                  window.location.href = result.url;
                }}
              >
                {t('account.githubConnect')}
              </button>
            ) : null}
            {github?.installUrl ? (
              <a className="btn" href={github.installUrl}>
                {t('account.githubInstall')}
              </a>
            ) : null}
          </div>
        </section>
      ) : null}
    </div>
  );
}
