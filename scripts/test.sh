#!/bin/bash
# The project's test command (`npm test`): every jest project (unit + e2e) against the real
# Slurm test cluster, which is installed (a no-op when it is) and started here, before jest.
# Extra arguments go to jest (`npm test -- --selectProjects unit`).
# Ends with the line `N passed, N failed`; a suite that cannot even run counts as a failure,
# and the exit status is non-zero when anything failed or nothing ran.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$(mktemp -d "${TMPDIR:-/tmp}/nx-slurm-test.XXXXXX")
trap 'rm -rf "$out"' EXIT

if ! bash e2e/cluster/install.sh || ! bash e2e/cluster/start.sh; then
  echo "scripts/test.sh: the test cluster could not be installed or started (see above); e2e tests need Linux and root" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# ts-jest compiles each file alone (isolatedModules): the types of specs and sources are checked
# here, beside jest (whose e2e files mostly wait); its output is printed once jest is done.
npm run --silent typecheck >"$out/typecheck.log" 2>&1 &
typecheck_pid=$!

# --forceExit: a spec that leaks a handle must fail the run, not hang CI until its time limit.
# NX_SLURM_TEST_TIMEOUT bounds the whole jest run (seconds).
timeout --signal=TERM --kill-after=30 "${NX_SLURM_TEST_TIMEOUT:-720}" \
  npx jest --ci --forceExit --json --outputFile="$out/jest.json" "$@"
jest_status=$?

if ! wait "$typecheck_pid"; then
  cat "$out/typecheck.log" >&2
  echo "scripts/test.sh: the type check failed (npm run typecheck)" >&2
  typecheck_failed=1
fi

node - "$out/jest.json" "$jest_status" "${typecheck_failed:-0}" <<'JS'
const fs = require('node:fs');
const [file, jestStatus, typecheckFailed] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch {
  console.log(`jest wrote no report (exit ${jestStatus}): it could not start or was stopped (global setup, config, timeout?)`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// a suite that failed with no failing test (it did not compile, a hook threw, global setup...)
const brokenSuites = report.testResults.filter((suite) => suite.status === 'failed' && suite.assertionResults.every((t) => t.status !== 'failed'));
for (const suite of brokenSuites) console.log(`suite failed to run: ${suite.name}\n  ${(suite.message || '').trim().split('\n').slice(0, 8).join('\n  ')}`);
const passed = report.numPassedTests;
let failed = report.numFailedTests + brokenSuites.length + Number(typecheckFailed);
if (Number(jestStatus) !== 0 && failed === 0) {
  console.log(`jest exited with status ${jestStatus} although no test failed: counted as one failure`);
  failed = 1;
}
console.log(
  `jest: ${report.numTotalTestSuites} suites (${report.numFailedTestSuites} failed), ` +
    `${report.numTotalTests} tests: ${passed} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped/todo` +
    (brokenSuites.length ? `, ${brokenSuites.length} suites that could not run counted as failures` : ''),
);
if (passed + failed === 0) console.log('jest ran no test');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
JS
