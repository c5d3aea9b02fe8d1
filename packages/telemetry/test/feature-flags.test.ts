import { describe, expect, it } from 'vitest';
import { FeatureFlags, InMemoryFlagStore } from '../src/index.ts';

const at = (iso: string) => () => new Date(iso);

describe('FeatureFlags', () => {
  it('treats an unknown flag as off and a plain flag as its value', () => {
    const flags = new FeatureFlags(new InMemoryFlagStore([{ name: 'new-lobby', enabled: true }]));
    expect(flags.isEnabled('missing')).toBe(false);
    expect(flags.isEnabled('new-lobby', { brand: 'brand-7' })).toBe(true);
    flags.set('new-lobby', false);
    expect(flags.isEnabled('new-lobby')).toBe(false);
  });

  it('lets the narrowest override decide: brand+provider over brand over provider over the flag', () => {
    const flags = new FeatureFlags();
    flags.define({
      name: 'crash-games',
      enabled: false,
      overrides: [
        { provider: 'studio', enabled: true },
        { brand: 'brand-7', enabled: false },
        { brand: 'brand-7', provider: 'studio', enabled: true },
      ],
    });
    expect(flags.isEnabled('crash-games')).toBe(false);
    expect(flags.isEnabled('crash-games', { provider: 'studio' })).toBe(true);
    expect(flags.isEnabled('crash-games', { brand: 'brand-7' })).toBe(false);
    expect(flags.isEnabled('crash-games', { brand: 'brand-7', provider: 'reelworks' })).toBe(false);
    expect(flags.isEnabled('crash-games', { brand: 'brand-7', provider: 'studio' })).toBe(true);
    expect(flags.isEnabled('crash-games', { brand: 'brand-9', provider: 'studio' })).toBe(true);
  });

  it('applies time boxes: a flag or override counts only inside [from, until)', () => {
    const store = new InMemoryFlagStore();
    const definition = {
      name: 'weekend-promo',
      enabled: true,
      from: '2026-03-07T00:00:00Z',
      until: '2026-03-09T00:00:00Z',
      overrides: [{ brand: 'brand-7', enabled: false, until: '2026-03-08T00:00:00Z' }],
    };
    new FeatureFlags(store).define(definition);
    const on = (iso: string, brand?: string) =>
      new FeatureFlags(store, at(iso)).isEnabled('weekend-promo', { brand });
    expect(on('2026-03-06T23:59:59Z')).toBe(false);
    expect(on('2026-03-07T00:00:00Z')).toBe(true);
    expect(on('2026-03-07T12:00:00Z', 'brand-7')).toBe(false);
    expect(on('2026-03-08T12:00:00Z', 'brand-7')).toBe(true);
    expect(on('2026-03-09T00:00:00Z')).toBe(false);
  });

  it('lets the override added last win between equally specific ones', () => {
    const flags = new FeatureFlags();
    flags.define({ name: 'f', enabled: false });
    flags.override('f', { brand: 'brand-7', enabled: true });
    flags.override('f', { brand: 'brand-7', enabled: false });
    expect(flags.isEnabled('f', { brand: 'brand-7' })).toBe(false);
  });

  it('rejects a time box that is not a date when it is defined, naming the flag', () => {
    expect(() => new FeatureFlags().define({ name: 'typo', enabled: true, until: 'tomorrow' })).toThrow(
      /FLAG_TIME_BOX_INVALID.*typo/,
    );
  });
});
