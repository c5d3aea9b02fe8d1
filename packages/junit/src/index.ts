// Public API of @croupier/junit: one JUnit XML writer for every report croupier produces.
export { type JunitCase, type JunitReport, type JunitSuite, renderJunit } from './report.ts';
