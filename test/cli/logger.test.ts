/** The CLI's logger: pino at LOG_LEVEL (default warn) to stderr, silent under --format json unless LOG_LEVEL is set. */
import { describe, expect, it } from "vitest";
import { createCliLogger } from "../../src/cli/logger.js";
import { UsageError } from "../../src/errors/index.js";
import { silentLogger } from "../../src/log/index.js";

describe("createCliLogger", () => {
  it.each<[boolean, Record<string, string>, string]>([
    [false, {}, "warn"],
    [false, { LOG_LEVEL: "debug" }, "debug"],
    [true, { LOG_LEVEL: "INFO" }, "info"],
  ])("json %s, env %j: a pino logger at %s", async (json, env, level) => {
    const log = await createCliLogger({ json, env });
    expect(log).not.toBe(silentLogger);
    expect((log as unknown as { level: string }).level).toBe(level);
  });

  it.each<[boolean, Record<string, string>]>([
    [true, {}],
    [false, { LOG_LEVEL: "silent" }],
  ])("json %s, env %j: silent", async (json, env) => {
    expect(await createCliLogger({ json, env })).toBe(silentLogger);
  });

  it("refuses a LOG_LEVEL that is not a level, as bad usage", async () => {
    const env: Record<string, string> = { LOG_LEVEL: "verbose" };
    await expect(createCliLogger({ json: false, env })).rejects.toThrow(UsageError);
  });
});
