import { create } from 'xmlbuilder2';

/** One test case: a pass unless it carries a failure or a skip. */
export interface JunitCase {
  className: string;
  name: string;
  timeSeconds?: number;
  failure?: { message: string; type?: string; details?: string };
  skipped?: { message: string };
  systemOut?: string;
}

export interface JunitSuite {
  name: string;
  cases: readonly JunitCase[];
  /** The suite's time; the sum of its cases' when not given. */
  timeSeconds?: number;
}

export interface JunitReport {
  name: string;
  suites: readonly JunitSuite[];
  timeSeconds?: number;
}

/**
 * XML 1.0 cannot carry most control characters, U+FFFE/U+FFFF or a lone surrogate, not even escaped, and
 * the attack scenarios put all of them in messages. xmlbuilder2 replaces each with U+FFFD, so a CI server
 * always gets a document it can parse, and the reader sees where something was dropped.
 */
const INVALID_CHARACTER = '\uFFFD';

/** The JUnit XML that CI servers read: counts on every suite and on the root, times in seconds. */
export function renderJunit(report: JunitReport): string {
  const suites = report.suites.map((suite) => ({
    suite,
    tests: suite.cases.length,
    failures: suite.cases.filter((c) => c.failure).length,
    skipped: suite.cases.filter((c) => !c.failure && c.skipped).length,
    time: suite.timeSeconds ?? suite.cases.reduce((sum, c) => sum + (c.timeSeconds ?? 0), 0),
  }));
  const total = (key: 'tests' | 'failures' | 'skipped') => suites.reduce((sum, s) => sum + s[key], 0);
  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: INVALID_CHARACTER }).ele(
    'testsuites',
    {
      name: report.name,
      tests: String(total('tests')),
      failures: String(total('failures')),
      errors: '0',
      skipped: String(total('skipped')),
      time: seconds(report.timeSeconds ?? suites.reduce((sum, s) => sum + s.time, 0)),
    },
  );
  for (const { suite, tests, failures, skipped, time } of suites) {
    const element = root.ele('testsuite', {
      name: suite.name,
      tests: String(tests),
      failures: String(failures),
      errors: '0',
      skipped: String(skipped),
      time: seconds(time),
    });
    for (const c of suite.cases) {
      const testcase = element.ele('testcase', {
        classname: c.className,
        name: c.name,
        ...(c.timeSeconds === undefined ? {} : { time: seconds(c.timeSeconds) }),
      });
      if (c.failure) {
        const failure = testcase.ele('failure', {
          ...(c.failure.type === undefined ? {} : { type: c.failure.type }),
          message: c.failure.message,
        });
        if (c.failure.details) failure.txt(c.failure.details);
      } else if (c.skipped) testcase.ele('skipped', { message: c.skipped.message });
      if (c.systemOut) testcase.ele('system-out').txt(c.systemOut);
    }
  }
  return `${root.end({ prettyPrint: true })}\n`;
}

function seconds(value: number): string {
  // money-lint-ignore: seconds of test time, never an amount
  return value.toFixed(3);
}
