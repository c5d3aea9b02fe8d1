/** One key as the certification report lists it: never the key material. */
export interface KeySummary {
  id: string;
  brand: string;
  region: string;
  provider?: string;
  purpose: string;
  algorithm: string;
  not_before: string;
  /** The cutoff after which the key is refused; set when the key was rotated out. */
  not_after?: string;
}

export interface RotationSummary {
  brand: string;
  region: string;
  purpose: string;
  from: string;
  to: string;
  at: string;
  /** Until when the old key is still accepted. */
  overlap_until: string;
}

export interface SecuritySummary {
  keys: KeySummary[];
  algorithms: string[];
  rotations: RotationSummary[];
  scopes_granted: string[];
  scopes_required: string[];
  mtls_subjects: Array<{ brand: string; region: string; provider: string; fingerprint256?: string }>;
  accepted: number;
  rejections: Record<string, number>;
  /** Schemes that were actually exercised (mtls, oauth2, signature). */
  schemes: string[];
}

/**
 * Gathers what the certification report says about security. Key rings, the token issuer and the
 * request verifier record into it when given one; `summary()` is plain JSON.
 */
export class SecuritySummaryCollector {
  private readonly keys = new Map<string, KeySummary>();
  private readonly algorithms = new Set<string>();
  private readonly rotations: RotationSummary[] = [];
  private readonly scopesGranted = new Set<string>();
  private readonly scopesRequired = new Set<string>();
  private readonly subjects = new Map<string, SecuritySummary['mtls_subjects'][number]>();
  private readonly rejections = new Map<string, number>();
  private readonly schemes = new Set<string>();
  private accepted = 0;

  recordKey(key: KeySummary): void {
    this.keys.set(key.id, { ...key });
    this.algorithms.add(key.algorithm);
  }

  recordAlgorithm(algorithm: string): void {
    this.algorithms.add(algorithm);
  }

  recordRotation(rotation: RotationSummary): void {
    this.rotations.push({ ...rotation });
    const old = this.keys.get(rotation.from);
    if (old) old.not_after = rotation.overlap_until;
  }

  recordScopesGranted(scopes: readonly string[]): void {
    for (const scope of scopes) this.scopesGranted.add(scope);
  }

  recordScopesRequired(scopes: readonly string[]): void {
    for (const scope of scopes) this.scopesRequired.add(scope);
  }

  recordMtlsSubject(subject: {
    brand: string;
    region: string;
    provider: string;
    fingerprint256?: string;
  }): void {
    const key = subject.fingerprint256 ?? `${subject.brand}/${subject.region}/${subject.provider}`;
    this.subjects.set(key, { ...subject });
  }

  recordScheme(scheme: string): void {
    this.schemes.add(scheme);
  }

  recordAccepted(): void {
    this.accepted += 1;
  }

  recordRejection(code: string): void {
    this.rejections.set(code, (this.rejections.get(code) ?? 0) + 1);
  }

  summary(): SecuritySummary {
    const sorted = (set: Set<string>) => [...set].sort();
    return {
      keys: [...this.keys.values()].map((k) => ({ ...k })),
      algorithms: sorted(this.algorithms),
      rotations: this.rotations.map((r) => ({ ...r })),
      scopes_granted: sorted(this.scopesGranted),
      scopes_required: sorted(this.scopesRequired),
      mtls_subjects: [...this.subjects.values()].map((s) => ({ ...s })),
      accepted: this.accepted,
      rejections: Object.fromEntries([...this.rejections.entries()].sort(([a], [b]) => a.localeCompare(b))),
      schemes: sorted(this.schemes),
    };
  }
}
