import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { repoRoot, type Service, serviceOrSkip, servicesOrSkip } from '../src/index.ts';

const up: Service = { name: 'up', start: 'nothing to do', probe: async () => undefined };
const down: Service = {
  name: 'NATS JetStream at nats://127.0.0.1:1',
  start: 'start it with `nats-server -js`',
  probe: async () => {
    throw new Error('CONNECTION_REFUSED');
  },
};

describe('serviceOrSkip', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('answers true when the service answers, printing nothing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await serviceOrSkip(up)).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('outside CI: answers false with one SKIP line naming what, the service, why and how to start it', async () => {
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await serviceOrSkip(down, 'the relay tests')).toBe(false);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toBe(
      'SKIP the relay tests: NATS JetStream at nats://127.0.0.1:1 is not available (CONNECTION_REFUSED); start it with `nats-server -js`',
    );
  });

  it('under CI=true: a missing service fails loudly instead of skipping', async () => {
    vi.stubEnv('CI', 'true');
    await expect(serviceOrSkip(down)).rejects.toThrow(
      'NATS JetStream at nats://127.0.0.1:1 is required under CI=true (CONNECTION_REFUSED); start it with `nats-server -js`',
    );
    await expect(servicesOrSkip([up, down])).rejects.toThrow(/required under CI=true/);
  });

  it('servicesOrSkip probes every service and says which ones are missing', async () => {
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await servicesOrSkip([up, down, { ...down, name: 'PostgreSQL' }])).toBe(false);
    expect(warn.mock.calls.map((c) => String(c[0]).split(' is not')[0])).toEqual([
      'SKIP these tests: NATS JetStream at nats://127.0.0.1:1',
      'SKIP these tests: PostgreSQL',
    ]);
    expect(await servicesOrSkip([up, up])).toBe(true);
  });
});

/** Test sources of every workspace package: the places a copy of the rule would creep back in. */
function testSources(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'fixtures') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files.push(full);
    }
  };
  for (const group of ['packages', 'tools', 'generated'])
    for (const pkg of readdirSync(path.join(repoRoot, group), { withFileTypes: true }))
      if (pkg.isDirectory()) {
        const test = path.join(repoRoot, group, pkg.name, 'test');
        try {
          walk(test);
        } catch {
          // a package without tests
        }
      }
  return files;
}

describe('one copy of the rule', () => {
  it('no test outside this package decides on CI=true by itself', () => {
    const own = path.join(repoRoot, 'tools/test-services');
    const copies = testSources()
      .filter((file) => !file.startsWith(own))
      .filter((file) => /process\.env\.CI\b/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(repoRoot, file));
    expect(copies).toEqual([]);
  });
});
