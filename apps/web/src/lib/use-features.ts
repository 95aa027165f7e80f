'use client';

import { useEffect, useState } from 'react';
import { api } from './api';

export type Features = {
  githubSignIn: boolean;
  githubApp: boolean;
  requireEmailVerification: boolean;
  publicSignups: boolean;
  /** Visitors may try without an account. */
  guests: boolean;
  guestTtlDays: number;
  /** open: anyone; first-account: this local install has no account yet; restricted: only addresses the operator allowed. */
  signups: 'open' | 'first-account' | 'restricted';
};

export function useFeatures(): Features | undefined {
  const [features, setFeatures] = useState<Features>();
  useEffect(() => {
    api<Features>('/api/v1/config').then(setFeatures, () => undefined);
  }, []);
  return features;
}
