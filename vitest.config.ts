import { defineConfig } from "vitest/config";
import { SummaryReporter } from "./scripts/summary-reporter.ts";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: integration tests start real node processes; keep file-level parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ["default", new SummaryReporter()],
  },
});
