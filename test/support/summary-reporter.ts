// Prints one plain closing line, "vitest: N passed, N failed[, N skipped]", so that a CI reader
// that does not know Vitest's own summary still sees how many tests ran.
import type { Reporter, TestModule } from "vitest/node";

function count(modules: ReadonlyArray<TestModule>): { passed: number; failed: number; skipped: number } {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const mod of modules) {
    for (const test of mod.children.allTests()) {
      const state = test.result().state;
      if (state === "passed") passed += 1;
      else if (state === "failed") failed += 1;
      else skipped += 1;
    }
  }
  return { passed, failed, skipped };
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const { passed, failed, skipped } = count(modules);
    const tail = skipped > 0 ? `, ${skipped} skipped` : "";
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed${tail}\n`);
  }
}
