/**
 * Runs in every e2e file (jest `setupFilesAfterEnv`): after each test, whatever it started and
 * left running (it failed or timed out while an `nx` command still ran) is killed with its
 * process group and reported, so that a hung test fails alone and the next test starts clean.
 */
import { stopStragglers } from './workspace';

afterEach(() => {
  for (const straggler of stopStragglers())
    process.stdout.write(`[e2e] killed a program the test left running: ${straggler}\n`);
});
