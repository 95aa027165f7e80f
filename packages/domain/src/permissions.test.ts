import { describe, expect, it } from 'vitest';
import { hasPermission } from './permissions.js';

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
