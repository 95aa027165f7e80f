import { describe, expect, it } from 'vitest';
import { ADMIN_AREA_NAMES, areaOfRole, areasGrantedBy, hasPermission, permissionsInEffect } from './permissions.js';

describe(hasPermission.name, () => {
  it.each<[string, string[], boolean]>([
    ['nothing granted: denied', [], false],
    ['granted', ['clusters.read'], true],
    ['another permission only', ['clusters.write', 'finance.read'], false],
    ['the owner wildcard', ['*'], true],
    ['no prefix matching', ['clusters'], false],
  ])('%s', (_, granted, expected) => {
    expect(hasPermission(granted, 'clusters.read')).toBe(expected);
  });
});

describe(areasGrantedBy.name, () => {
  it.each<[string, string[], string[]]>([
    ['no role', [], []],
    ['an area role', ['area-finance'], ['finance']],
    ['several, in the areas’ order', ['area-admins', 'area-clusters'], ['clusters', 'admins']],
    ['owner: every area', ['owner'], [...ADMIN_AREA_NAMES]],
    ['roles of no area', ['clusters-admin', 'area-nope'], []],
  ])('%s', (_, roles, expected) => {
    expect(areasGrantedBy(roles)).toEqual(expected);
  });
});

describe(permissionsInEffect.name, () => {
  it('keeps the granted permissions whose area is open, expanding the owner wildcard', () => {
    expect(permissionsInEffect(['*'], ['finance', 'admins'])).toEqual(['finance.read', 'admins.manage', 'audit.read']);
    expect(permissionsInEffect(['clusters.read', 'finance.read'], ['clusters'])).toEqual(['clusters.read']);
    expect(permissionsInEffect(['clusters.read'], [])).toEqual([]);
  });
});

describe(areaOfRole.name, () => {
  it('names the area of an area role only', () => {
    expect(areaOfRole('area-plans')).toBe('plans');
    expect(areaOfRole('owner')).toBeUndefined();
    expect(areaOfRole('plans')).toBeUndefined();
  });
});
