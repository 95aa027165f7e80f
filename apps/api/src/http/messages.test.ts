import { describe, expect, it } from 'vitest';
import { describeReason, negotiateLocale, translate } from './messages.js';

describe(negotiateLocale.name, () => {
  it.each([
    [undefined, 'pt-BR'],
    ['en-US,en;q=0.9', 'en'],
    ['es-AR', 'es'],
    ['fr-FR, es;q=0.5, en;q=0.8', 'en'],
    ['de', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
  ])('%s → %s', (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale);
  });
});

describe(translate.name, () => {
  it('fills parameters', () => {
    expect(translate('rate_limited', 'en', { seconds: 12 })).toBe('Too many requests. Try again in 12 s.');
  });
  it('answers undefined for unknown codes', () => {
    expect(translate('nope', 'en')).toBeUndefined();
  });
});

describe(describeReason.name, () => {
  it('says status reasons in the caller’s language', () => {
    expect(describeReason('exit_code:2', 'pt-BR')).toBe('O bot encerrou com o código 2.');
    expect(describeReason('oom_killed:256', 'en')).toContain('256 MB');
    expect(describeReason('restarting:exit_code:1', 'es')).toBe('Reiniciando automáticamente. El bot terminó con el código 1.');
    expect(describeReason(null, 'en')).toBeNull();
    expect(describeReason('something_new', 'en')).toBe('something_new');
  });
});

describe('reasons inside a problem', () => {
  it('says a `reason` parameter through `<code>.<reason>`', () => {
    expect(translate('cluster_unreachable', 'en', { reason: 'timeout', endpoint: '10.0.0.1:6443' })).toBe(
      'The cluster could not be used: 10.0.0.1:6443 did not answer in time. Nothing was saved.',
    );
    expect(translate('cluster_unreachable.kubeconfig_not_allowed', 'pt-BR', { field: 'user.exec' })).toContain('“user.exec”');
  });
  it('keeps an unknown reason as it is', () => {
    expect(translate('cluster_unreachable', 'en', { reason: 'something_new' })).toBe('The cluster could not be used: something_new Nothing was saved.');
  });
});
