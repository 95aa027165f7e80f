'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useAdmin } from '@/components/admin/admin-context';
import { useI18n } from '@/i18n/client';
import { ADMIN_AREAS } from '@/lib/admin-api';

/** /admin opens the first area the admin has. */
export default function AdminHome() {
  const me = useAdmin();
  const { t } = useI18n();
  const router = useRouter();
  const first = ADMIN_AREAS.find((area) => me.owner || me.areas.includes(area));
  useEffect(() => {
    if (first) router.replace(`/admin/${first}`);
  }, [first, router]);
  return <p className="muted">{first ? t('common.loading') : t('admin.denied.body')}</p>;
}
