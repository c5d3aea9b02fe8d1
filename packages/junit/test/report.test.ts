import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { renderJunit } from '../src/index.ts';

/** Every kind of character XML 1.0 forbids even escaped, markup characters, and an emoji (a valid pair). */
const HOSTILE = 'nul\u0000 soh\u0001 esc\u001b lone-high\uD800 lone-low\uDC00 fffe\uFFFE ok😀 <&>"\'';

/** Parses the XML back with saxes, a conformant XML 1.0 parser: its errors, and each element's attributes. */
function parseBack(xml: string) {
  const errors: string[] = [];
  const elements: Array<{ name: string; attributes: Record<string, string> }> = [];
  const parser = new SaxesParser();
  parser.on('error', (error) => errors.push(error.message));
  parser.on('opentag', (tag) =>
    elements.push({ name: tag.name, attributes: tag.attributes as Record<string, string> }),
  );
  parser.write(xml).close();
  return { errors, elements };
}

describe('renderJunit', () => {
  it('writes well-formed XML whatever a message holds: forbidden characters become U+FFFD', () => {
    const xml = renderJunit({
      name: `run ${HOSTILE}`,
      suites: [
        {
          name: `suite ${HOSTILE}`,
          cases: [
            {
              className: 'c',
              name: `case ${HOSTILE}`,
              failure: { type: 'error', message: HOSTILE, details: `details ${HOSTILE}` },
              systemOut: HOSTILE,
            },
          ],
        },
      ],
    });
    const { errors, elements } = parseBack(xml);
    expect(errors).toEqual([]);
    expect(elements.find((e) => e.name === 'failure')?.attributes.message).toBe(
      'nul\uFFFD soh\uFFFD esc\uFFFD lone-high\uFFFD lone-low\uFFFD fffe\uFFFD ok😀 <&>"\'',
    );
  });

  it('counts tests, failures and skips on each suite and on the root', () => {
    const xml = renderJunit({
      name: 'r',
      suites: [
        {
          name: 's',
          cases: [
            { className: 'c', name: 'pass', timeSeconds: 0.5 },
            { className: 'c', name: 'fail', timeSeconds: 1, failure: { message: 'no' } },
            { className: 'c', name: 'skip', skipped: { message: 'security off' } },
          ],
        },
      ],
    });
    const { errors, elements } = parseBack(xml);
    expect(errors).toEqual([]);
    const counts = { tests: '3', failures: '1', skipped: '1', errors: '0' };
    expect(elements.find((e) => e.name === 'testsuites')?.attributes).toMatchObject({
      ...counts,
      time: '1.500',
    });
    expect(elements.find((e) => e.name === 'testsuite')?.attributes).toMatchObject(counts);
    expect(xml).toContain('<skipped message="security off"/>');
  });
});
