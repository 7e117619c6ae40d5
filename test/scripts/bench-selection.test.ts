import { describe, expect, it } from "vitest";
import { runSelectionWorkload, syntheticTags } from "../../scripts/bench-selection.js";

describe("benchmark support (timed by the benchmark script, never here)", () => {
  it("syntheticTags gives distinct valid tags and the workload selects some of them", () => {
    const tags = syntheticTags(2_000);
    expect(new Set(tags).size).toBe(2_000);
    const result = runSelectionWorkload(tags);
    expect(result.ordered.length).toBeGreaterThan(0);
    expect(result.ordered.length).toBeLessThan(tags.length);
  });
});
