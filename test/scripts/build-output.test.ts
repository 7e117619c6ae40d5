/**
 * What `npm run build` compiles into dist/ (the package's files): the CLI and the app, nothing
 * that only tests or the benchmark use. Asked of tsc itself (--listFilesOnly over
 * tsconfig.build.json), so a test file or a script added under src/ fails here whatever its name.
 */
import { execFileSync } from "node:child_process";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The sources the build compiles, relative to the repository (each becomes a dist/ file). */
function compiledSources(): string[] {
  const out = execFileSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--listFilesOnly"],
    { encoding: "utf8" },
  );
  return out
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.includes("/node_modules/") && !line.endsWith(".d.ts"))
    .map((line) => relative(ROOT, line).split("\\").join("/"))
    .sort();
}

describe("the build (tsconfig.build.json)", () => {
  it("compiles only src/, and no test, fixture, benchmark or script file", () => {
    const files = compiledSources();
    expect(files).toContain("src/cli.ts");
    expect(files.filter((file) => !file.startsWith("src/"))).toEqual([]);
    expect(files.filter((file) => /\.test\.ts$|__fixtures__|bench|write-schema/.test(file))).toEqual([]);
  });
});
