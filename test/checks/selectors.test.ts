import { hasLabels, selectorMatches } from '../../lib/checks';

describe('selectors', () => {
  const labels = { app: 'web', tier: 'front' };

  test('hasLabels is a subset test', () => {
    expect(hasLabels({ app: 'web' }, labels)).toBe(true);
    expect(hasLabels({}, labels)).toBe(true);
    expect(hasLabels({ app: 'api' }, labels)).toBe(false);
    expect(hasLabels({ app: 'web' }, undefined)).toBe(false);
  });

  test('an empty selector selects everything, an absent one nothing', () => {
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches(undefined, labels)).toBe(false);
  });

  test.each<[string, string[] | undefined, boolean]>([
    ['In', ['web', 'api'], true],
    ['NotIn', ['web'], false],
    ['Exists', undefined, true],
    ['DoesNotExist', undefined, false],
    ['Bogus', undefined, false],
  ])('matchExpressions %s', (operator, values, expected) => {
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator, values }] }, labels)).toBe(expected);
  });

  test('matchLabels and matchExpressions are ANDed', () => {
    expect(selectorMatches({ matchLabels: { tier: 'front' }, matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'missing', operator: 'NotIn', values: ['x'] }] }, labels)).toBe(true);
  });
});
