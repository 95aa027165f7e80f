'use client';

import { useEffect, useState } from 'react';
import { api, type Me } from './api';

/** The signed-in user, null when nobody is signed in, undefined while loading. */
export function useMe(): Me | null | undefined {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => {
    api<Me>('/api/v1/me')
      .then(setMe)
      .catch(() => setMe(null));
  }, []);
  return me;
}
