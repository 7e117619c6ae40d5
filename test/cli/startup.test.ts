/**
 * What the CLI loads before it does anything: `--help` (and a usage error) must not pay for the
 * engine's dependencies. Each run records every module the child resolves (a module hook writing
 * to a file, synchronously, from the hooks thread), so the assertion is about what was loaded,
 * never about how long it took.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "argocd-image-pr-startup-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hooks = join(scratch, "hooks.mjs");
writeFileSync(
  hooks,
  `import { appendFileSync } from "node:fs";\nexport async function resolve(specifier, context, next) { const found = await next(specifier, context); appendFileSync(process.env.SEEN_FILE, found.url + "\\n"); return found; }\n`,
);
const register = join(scratch, "register.mjs");
writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);

/** The packages (under node_modules) a CLI run resolved. */
async function packagesLoaded(args: readonly string[], name: string): Promise<string[]> {
  const seenFile = join(scratch, `${name}.txt`);
  writeFileSync(seenFile, "");
  await run(process.execPath, ["--import", "tsx", "--import", register, join(ROOT, "src/cli.ts"), ...args], {
    env: { ...process.env, SEEN_FILE: seenFile },
    cwd: ROOT,
  }).catch((error: unknown) => {
    // A usage error exits 2; that is the case under test, not a failure of the run.
    if (!(typeof error === "object" && error !== null && "code" in error && error.code === 2)) throw error;
  });
  const packages = readFileSync(seenFile, "utf8")
    .split("\n")
    .map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1])
    .filter(
      (name): name is string =>
        name !== undefined && name !== "tsx" && name !== "get-tsconfig" && name !== "esbuild" && name !== "resolve-pkg-maps",
    );
  return [...new Set(packages)].sort();
}

const HEAVY = ["zod", "yaml", "undici", "@kubernetes/client-node", "probot", "re2js", "pino", "node-cron"];

describe("CLI start-up", () => {
  it.each([
    ["--help", ["--help"]],
    ["plan --help", ["plan", "--help"]],
    ["tags --help", ["tags", "--help"]],
    ["an unknown option", ["plan", "--no-such-option"]],
  ])("%s loads commander and nothing heavy", async (name, args) => {
    const loaded = await packagesLoaded(args, name.replace(/\W+/g, "-"));
    expect(loaded).toContain("commander");
    expect(loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
  });
});
