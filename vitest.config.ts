import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Integration tests start real servers (registry, fake GitHub, fake Kubernetes);
    // two cores here, so keep parallelism modest and timeouts generous.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
