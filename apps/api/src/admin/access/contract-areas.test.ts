import { ADMIN_AREA_VALUES } from '@zapdeploy/contracts';
import { ADMIN_AREA_NAMES } from '@zapdeploy/domain';
import { expect, it } from 'vitest';

it('names in the contract exactly the areas the domain knows, in the same order', () => {
  expect([...ADMIN_AREA_VALUES]).toEqual(ADMIN_AREA_NAMES);
});
