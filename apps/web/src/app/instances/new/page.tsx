'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useState } from 'react';
import { type EnvRow, EnvRows, rowsToEnv } from '@/components/env-rows';
import { ProblemAlert } from '@/components/problem-alert';
import { useI18n } from '@/i18n/client';
import { ApiProblem, api, type Plan } from '@/lib/api';
import { formatBRL } from '@/lib/format';
import { useFeatures } from '@/lib/use-features';
import { useMe } from '@/lib/use-me';

type GithubRepo = { fullName: string; htmlUrl: string; private: boolean; defaultBranch: string };

export default function NewInstancePage() {
  const { t, locale } = useI18n();
  const router = useRouter();
  const me = useMe();
  const features = useFeatures();
  const [plans, setPlans] = useState<Plan[]>([]);
  const [planChoice, setPlanChoice] = useState('plan_dev');
  const [repos, setRepos] = useState<GithubRepo[]>([]);
  const [repoUrl, setRepoUrl] = useState('');
  const [branch, setBranch] = useState('');
  const [name, setName] = useState('');
  const [rootDir, setRootDir] = useState('');
  const [inspection, setInspection] = useState<Inspection | 'checking'>();
  const [env, setEnv] = useState<EnvRow[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const isGuest = me?.user.isGuest ?? false;

  useEffect(() => {
    if (me === null) router.replace('/login');
  }, [me, router]);
  useEffect(() => {
    api<Plan[]>('/api/v1/plans', { locale }).then(setPlans, setError);
  }, [locale]);
  // What the repository will run as, looked at before deploying (debounced while typing).
  useEffect(() => {
    if (!me || !/^https?:\/\/\S+\/\S+/.test(repoUrl.trim())) {
      setInspection(undefined);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      setInspection('checking');
      api<Inspection>('/api/v1/repositories/inspect', {
        method: 'POST',
        body: { repoUrl: repoUrl.trim(), ...(branch.trim() ? { branch: branch.trim() } : {}), ...(rootDir.trim() ? { rootDir: rootDir.trim() } : {}) },
        locale,
      }).then(
        (result) => !cancelled && setInspection(result),
        () => !cancelled && setInspection(undefined),
      );
    }, 700);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [me, repoUrl, branch, rootDir, locale]);
  // "Deploy this example" links: /instances/new?repo=…&dir=…&name=…&branch=…
  useEffect(() => {
    const query = new URLSearchParams(window.location.search);
    setRepoUrl((current) => current || query.get('repo') || '');
    setRootDir((current) => current || query.get('dir') || '');
    setName((current) => current || query.get('name') || '');
    setBranch((current) => current || query.get('branch') || '');
  }, []);
  useEffect(() => {
    if (features?.githubApp && me && !me.user.isGuest) {
      api<{ items: GithubRepo[] }>('/api/v1/github/repos').then(
        (result) => setRepos(result.items),
        () => setRepos([]),
      );
    }
  }, [features, me]);

  const fieldError = (field: string) =>
    error instanceof ApiProblem
      ? error.errors
          .filter((e) => e.path === `body.${field}` || e.path.startsWith(`body.${field}.`))
          .map((e) => e.message)
          .join('; ')
      : '';

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const rootDir = String(form.get('rootDir') ?? '').trim();
    const body = {
      name: String(form.get('name') ?? '').trim(),
      repoUrl: repoUrl.trim(),
      ...(branch.trim() ? { branch: branch.trim() } : {}),
      ...(rootDir ? { rootDir } : {}),
      planId: String(form.get('planId') ?? 'plan_dev'),
      ...(env.length > 0 ? { env: rowsToEnv(env) } : {}),
    };
    setBusy(true);
    setError(undefined);
    try {
      const created = await api<{ id: string; statusReason: string | null }>('/api/v1/instances', { method: 'POST', body, locale });
      // A paid plan waits for its payment: go straight to it.
      router.push(created.statusReason === 'awaiting_payment' ? `/instances/${created.id}?tab=billing` : `/instances/${created.id}`);
    } catch (problem) {
      setError(problem);
      setBusy(false);
    }
  }

  const errorOf = (field: string) => {
    const message = fieldError(field);
    return message ? (
      <span className="field-error" id={`${field}-error`}>
        {message}
      </span>
    ) : null;
  };

  return (
    <div style={{ maxWidth: 720 }}>
      <h1>{t('new.title')}</h1>
      <form className="card stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor="name">{t('new.name')}</label>
          <input
            id="name"
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={48}
            placeholder={t('new.namePlaceholder')}
            aria-invalid={Boolean(fieldError('name'))}
            aria-describedby="name-error"
          />
          {errorOf('name')}
        </div>
        <div className="field">
          <label htmlFor="repoUrl">{t('new.repoUrl')}</label>
          <input
            id="repoUrl"
            name="repoUrl"
            type="url"
            required
            inputMode="url"
            className="mono"
            value={repoUrl}
            onChange={(e) => setRepoUrl(e.target.value)}
            placeholder="https://github.com/…"
            aria-describedby="repoUrl-hint repoUrl-error"
            aria-invalid={Boolean(fieldError('repoUrl'))}
          />
          <span className="hint" id="repoUrl-hint">
            {t('new.repoUrlHint')}
          </span>
          {errorOf('repoUrl')}
          <Detected inspection={inspection} />
        </div>
        {repos.length > 0 ? (
          <div className="field">
            <label htmlFor="pick">{t('new.pickRepo')}</label>
            <select
              id="pick"
              defaultValue=""
              onChange={(e) => {
                const repo = repos.find((r) => r.htmlUrl === e.target.value);
                if (repo) {
                  setRepoUrl(repo.htmlUrl);
                  setBranch(repo.defaultBranch);
                }
              }}
            >
              <option value="">{t('new.pickRepoNone')}</option>
              {repos.map((repo) => (
                <option key={repo.htmlUrl} value={repo.htmlUrl}>
                  {repo.fullName}
                  {repo.private ? ' 🔒' : ''}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div className="grid" style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(200px, 1fr))' }}>
          <div className="field">
            <label htmlFor="branch">{t('new.branch')}</label>
            <input
              id="branch"
              name="branch"
              className="mono"
              value={branch}
              onChange={(e) => setBranch(e.target.value)}
              placeholder="main"
              aria-describedby="branch-hint"
            />
            <span className="hint" id="branch-hint">
              {t('new.branchHint')}
            </span>
            {errorOf('branch')}
          </div>
          <div className="field">
            <label htmlFor="rootDir">{t('new.rootDir')}</label>
            <input
              id="rootDir"
              name="rootDir"
              className="mono"
              placeholder="./"
              value={rootDir}
              onChange={(e) => setRootDir(e.target.value)}
              aria-describedby="rootDir-hint"
            />
            <span className="hint" id="rootDir-hint">
              {t('new.rootDirHint')}
            </span>
            {errorOf('rootDir')}
          </div>
        </div>
        <div className="field">
          <label htmlFor="planId">{t('new.plan')}</label>
          <select
            id="planId"
            name="planId"
            value={planChoice}
            onChange={(event) => setPlanChoice(event.target.value)}
            disabled={isGuest}
            aria-describedby={isGuest ? 'plan-guest' : 'plan-paid'}
          >
            {plans.map((plan) => (
              <option key={plan.id} value={plan.id}>
                {plan.name} — {plan.priceCents === 0 ? t('landing.plans.free') : `${formatBRL(plan.priceCents, locale)}${t('landing.plans.perMonth')}`} ·{' '}
                {plan.memoryMb} MB
              </option>
            ))}
          </select>
          {(plans.find((plan) => plan.id === planChoice)?.memoryMb ?? 0) < 512 ? (
            typeof inspection === 'object' && inspection.chromium ? (
              <span className="alert error small" id="plan-chromium" role="alert" style={{ marginTop: '.5rem' }}>
                {isGuest ? t('new.chromiumWarnGuest') : t('new.chromiumWarn')}
              </span>
            ) : (
              <span className="hint" id="plan-chromium">
                {isGuest ? t('new.chromiumHintGuest') : t('new.chromiumHint')}
              </span>
            )
          ) : null}
          {!isGuest && plans.find((plan) => plan.id === planChoice)?.tier === 'production' ? (
            <span className="hint" id="plan-paid">
              {t('new.paidHint')}
            </span>
          ) : null}
          {isGuest ? (
            <>
              <input type="hidden" name="planId" value="plan_dev" />
              <span className="hint" id="plan-guest">
                {t('new.guestPlan')}
              </span>
            </>
          ) : null}
        </div>
        <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend style={{ fontWeight: 700 }}>{t('new.env')}</legend>
          <p className="hint" style={{ marginTop: 0 }}>
            {t('new.envHint')}
          </p>
          <EnvRows rows={env} onChange={setEnv} idPrefix="new-env" />
          {errorOf('env')}
        </fieldset>
        <ProblemAlert error={error} />
        <div>
          <button className="btn primary" type="submit" disabled={busy}>
            {busy ? t('new.submitting') : t('new.submit')}
          </button>
        </div>
      </form>
    </div>
  );
}

type Inspection = {
  ok: boolean;
  kind?: 'node' | 'python' | 'dockerfile';
  packageManager?: string;
  start?: string;
  chromium?: boolean;
  problem?: { code: string; detail: string };
};

/** What the repository will run as (or what it lacks), said before the deploy. */
function Detected({ inspection }: { inspection: Inspection | 'checking' | undefined }) {
  const { t } = useI18n();
  if (!inspection) return null;
  if (inspection === 'checking')
    return (
      <span className="hint" role="status">
        {t('new.detecting')}
      </span>
    );
  if (inspection.problem) {
    return (
      <span className="alert info small" role="status" style={{ marginTop: '.5rem' }} data-testid="detected">
        {inspection.problem.detail}
      </span>
    );
  }
  if (!inspection.kind) return null;
  const kind =
    inspection.kind === 'dockerfile' ? t('new.kindDockerfile') : inspection.kind === 'python' ? 'Python' : `Node.js (${inspection.packageManager ?? 'npm'})`;
  return (
    <span className="hint" role="status" data-testid="detected">
      {inspection.start ? t('new.detected', kind, inspection.start) : t('new.detectedKind', kind)}
      {inspection.chromium ? ` · ${t('new.detectedChromium')}` : ''}
    </span>
  );
}
