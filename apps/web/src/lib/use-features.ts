'use client';

import { useEffect, useState } from 'react';
import { api } from './api';

export type Features = { githubSignIn: boolean; githubApp: boolean; requireEmailVerification: boolean; publicSignups: boolean };

export function useFeatures(): Features | undefined {
  const [features, setFeatures] = useState<Features>();
  useEffect(() => {
    api<Features>('/api/v1/config').then(setFeatures, () => undefined);
  }, []);
  return features;
}
