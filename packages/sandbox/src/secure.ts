/** `croupier sandbox --secure`: certificates, token issuer, key ring and the security plugin. */
import type { SandboxSecurity } from './security.ts';

export interface SecureSandboxOptions {
  certsDir: string;
}

export async function createSandboxSecurity(
  _options: SecureSandboxOptions,
): Promise<{ security: SandboxSecurity; summary: string }> {
  throw new Error('SECURE_NOT_READY: --secure is being wired');
}
