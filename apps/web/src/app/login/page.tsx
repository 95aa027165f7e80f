'use client';

import { type FormEvent, useEffect, useState } from 'react';
import { GuestButton } from '@/components/guest-button';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';
import { api } from '@/lib/api';
import { useFeatures } from '@/lib/use-features';

type Mode = 'signin' | 'signup';

export default function LoginPage() {
  const { t, locale } = useI18n();
  const features = useFeatures();
  const [mode, setMode] = useState<Mode>('signin');
  const [error, setError] = useState<unknown>();
  const [sentTo, setSentTo] = useState<string>();
  const [busy, setBusy] = useState(false);
  /** Why a GitHub sign-in came back refused (Better Auth's `?error=` on the error callback). */
  const [githubError, setGithubError] = useState<string>();

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    if (params.get('mode') === 'signup') setMode('signup');
    const refused = params.get('error');
    if (refused) setGithubError(refused.toLowerCase());
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const email = String(form.get('email') ?? '');
      if (mode === 'signup') {
        const result = await api<{ token?: string | null }>('/api/auth/sign-up/email', {
          method: 'POST',
          body: { email, password: String(form.get('password') ?? ''), name: String(form.get('name') ?? '') },
          locale,
        });
        if (!result.token && features?.requireEmailVerification) {
          setSentTo(email);
          setBusy(false);
          return;
        }
      } else {
        await api('/api/auth/sign-in/email', { method: 'POST', body: { email, password: String(form.get('password') ?? '') }, locale });
      }
      window.location.assign('/instances');
    } catch (problem) {
      setError(problem);
      setBusy(false);
    }
  }

  async function github() {
    setError(undefined);
    try {
      const result = await api<{ url: string }>('/api/auth/sign-in/social', {
        method: 'POST',
        body: { provider: 'github', callbackURL: '/instances', errorCallbackURL: '/login' },
        locale,
      });
      window.location.href = result.url;
    } catch (problem) {
      setError(problem);
    }
  }

  return (
    <div style={{ maxWidth: 440, margin: '0 auto' }} className="stack">
      <h1>{t('login.title')}</h1>
      <div className="tabs" role="tablist" aria-label={t('login.title')} style={{ marginTop: 0 }}>
        {(['signin', 'signup'] as const).map((value) => (
          <button key={value} type="button" role="tab" aria-selected={mode === value} onClick={() => setMode(value)}>
            {value === 'signin' ? t('login.signin') : t('login.signup')}
          </button>
        ))}
      </div>
      {githubError ? (
        <div className="alert error" role="alert" data-testid="github-error">
          {githubError === 'signups_closed'
            ? t('login.githubRefused.signupsClosed')
            : githubError === 'account_not_linked'
              ? t('login.githubRefused.notLinked')
              : t('login.githubRefused.other')}
        </div>
      ) : null}
      {sentTo ? (
        <div className="alert ok" role="status">
          {t('login.verify', sentTo)}
        </div>
      ) : (
        <form className="card stack" onSubmit={submit} noValidate={false}>
          {mode === 'signup' && features && features.signups !== 'open' ? (
            <p className="hint" style={{ margin: 0 }} data-testid="signup-policy">
              {features.signups === 'first-account' ? t('login.signupFirst') : t('login.signupRestricted')}
            </p>
          ) : null}
          {mode === 'signup' ? (
            <div className="field">
              <label htmlFor="name">{t('login.name')}</label>
              <input id="name" name="name" autoComplete="name" required maxLength={100} />
            </div>
          ) : null}
          <div className="field">
            <label htmlFor="email">{t('login.email')}</label>
            <input id="email" name="email" type="email" autoComplete="email" required />
          </div>
          <div className="field">
            <label htmlFor="password">{t('login.password')}</label>
            <input
              id="password"
              name="password"
              type="password"
              autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
              required
              minLength={mode === 'signup' ? 10 : undefined}
              aria-describedby={mode === 'signup' ? 'password-hint' : undefined}
            />
            {mode === 'signup' ? (
              <span className="hint" id="password-hint">
                {t('login.passwordHint')}
              </span>
            ) : null}
          </div>
          <ProblemAlert error={error} />
          <button className="btn primary" type="submit" disabled={busy}>
            {mode === 'signin' ? t('login.signin') : t('login.signup')}
          </button>
          {features?.githubSignIn ? (
            <button className="btn" type="button" onClick={github}>
              {t('login.github')}
            </button>
          ) : null}
        </form>
      )}
      {features?.guests ? (
        <>
          <p className="muted" style={{ textAlign: 'center', margin: 0 }}>
            {t('login.or')}
          </p>
          <div className="card stack">
            <GuestButton className="btn" />
            <p className="small muted" style={{ margin: 0 }}>
              {t('login.guestExplain', String(features.guestTtlDays))}
            </p>
          </div>
        </>
      ) : null}
    </div>
  );
}
