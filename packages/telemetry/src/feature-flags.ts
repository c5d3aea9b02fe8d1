/** Who a flag is evaluated for: the brand (tenant, `X-Brand-Id`) and the game provider (`X-Provider-Id`). */
export interface FlagScope {
  brand?: string | undefined;
  provider?: string | undefined;
}

/** A time box: active from `from` (inclusive) until `until` (exclusive); either side open when absent. */
export interface TimeBox {
  from?: string;
  until?: string;
}

export interface FlagOverride extends TimeBox, FlagScope {
  enabled: boolean;
}

export interface FlagDefinition extends TimeBox {
  name: string;
  /** Value for everyone while the flag's own time box is active; outside it the flag is off. */
  enabled: boolean;
  description?: string;
  overrides?: FlagOverride[];
}

/** Storage behind `FeatureFlags`; in memory here, a table or a config service in production. */
export interface FlagStore {
  get(name: string): FlagDefinition | undefined;
  put(flag: FlagDefinition): void;
  delete(name: string): void;
  list(): FlagDefinition[];
}

export class InMemoryFlagStore implements FlagStore {
  private readonly flags = new Map<string, FlagDefinition>();
  constructor(initial: readonly FlagDefinition[] = []) {
    for (const flag of initial) this.put(flag);
  }
  get(name: string) {
    return this.flags.get(name);
  }
  put(flag: FlagDefinition) {
    this.flags.set(flag.name, structuredClone(flag));
  }
  delete(name: string) {
    this.flags.delete(name);
  }
  list() {
    return [...this.flags.values()];
  }
}

function instant(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new Error(
      `FLAG_TIME_BOX_INVALID: flag "${flag}" has a time box bound "${value}" that is not an ISO date-time`,
    );
  }
  return time;
}

function inBox(flag: string, box: TimeBox, now: number): boolean {
  const from = instant(flag, box.from);
  const until = instant(flag, box.until);
  return (from === undefined || now >= from) && (until === undefined || now < until);
}

/** brand+provider beats brand beats provider: the narrowest matching rule decides. */
function specificity(override: FlagOverride): number {
  return (override.brand !== undefined ? 2 : 0) + (override.provider !== undefined ? 1 : 0);
}

function matches(override: FlagOverride, scope: FlagScope): boolean {
  return (
    (override.brand === undefined || override.brand === scope.brand) &&
    (override.provider === undefined || override.provider === scope.provider)
  );
}

/**
 * Feature flags with per-brand/provider overrides and time boxes. An unknown flag is off. Among
 * overrides active now and matching the scope, the most specific one decides; with none, the flag's
 * own value (while its time box is active).
 */
export class FeatureFlags {
  constructor(
    readonly store: FlagStore = new InMemoryFlagStore(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  isEnabled(name: string, scope: FlagScope = {}): boolean {
    const flag = this.store.get(name);
    if (!flag) return false;
    const now = this.now().getTime();
    // Reversed so that, between equally specific overrides, the one added last wins.
    const override = [...(flag.overrides ?? [])]
      .reverse()
      .filter((o) => matches(o, scope) && inBox(name, o, now))
      .sort((a, b) => specificity(b) - specificity(a))[0];
    if (override) return override.enabled;
    return flag.enabled && inBox(name, flag, now);
  }

  /** Creates or replaces a flag; time box bounds are checked here, not at the first evaluation. */
  define(flag: FlagDefinition): void {
    for (const box of [flag, ...(flag.overrides ?? [])]) {
      instant(flag.name, box.from);
      instant(flag.name, box.until);
    }
    this.store.put(flag);
  }

  /** Turns a flag on or off for everyone (overrides still apply), creating it when missing. */
  set(name: string, enabled: boolean): void {
    const flag = this.store.get(name) ?? { name, enabled };
    this.store.put({ ...flag, enabled });
  }

  /** Adds an override (e.g. one brand, until a time); it beats older overrides of the same specificity. */
  override(name: string, override: FlagOverride): void {
    const flag = this.store.get(name) ?? { name, enabled: false };
    this.define({ ...flag, overrides: [...(flag.overrides ?? []), override] });
  }

  list(): FlagDefinition[] {
    return this.store.list();
  }
}
