/** The README's repo-config keys are generated from the zod schema and must be committed up to date. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

import { RepoConfigTarget } from "../../src/sources/repo-config.js";
import { REPO_CONFIG_KEYS_END, REPO_CONFIG_KEYS_START, renderRepoConfigKeys, withRepoConfigKeys } from "../../scripts/repo-config-docs.js";

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../README.md");

describe("README: every repo-config key", () => {
  it("the section between the markers is what npm run schema writes", async () => {
    const readme = await readFile(README, "utf8");
    expect(readme.includes(REPO_CONFIG_KEYS_START) && readme.includes(REPO_CONFIG_KEYS_END)).toBe(true);
    expect(
      readme === withRepoConfigKeys(readme),
      "README.md's repo-config keys are out of date with src/sources/repo-config.ts; regenerate them with: npm run schema",
    ).toBe(true);
  });

  it("lists every key of a target, nested ones included, with its type", () => {
    const table = renderRepoConfigKeys();
    const targetKeys = Object.keys(RepoConfigTarget.shape);
    expect(targetKeys.length).toBeGreaterThan(15);
    for (const key of targetKeys) expect(table).toContain(`| \`targets[].${key}\` |`);
    expect(table).toContain("| `targets[].helm.imageTag` | string |  |");
    expect(table).toContain(
      "| `targets[].strategy` | `semver` \\| `newest-build` \\| `latest` \\| `alphabetical` \\| `name` \\| `digest` |",
    );
    // Optional since the app reads Applications kept in the repository (`applications:`) without any target.
    expect(table).toContain("| `targets` | list of maps |  |");
  });

  it("a README whose table is stale is rewritten, and one without the markers is refused", () => {
    const stale = `# x\n${REPO_CONFIG_KEYS_START}\n| old |\n${REPO_CONFIG_KEYS_END}\nrest\n`;
    expect(withRepoConfigKeys(stale)).toBe(`# x\n${REPO_CONFIG_KEYS_START}\n${renderRepoConfigKeys()}${REPO_CONFIG_KEYS_END}\nrest\n`);
    expect(() => withRepoConfigKeys("# no markers\n")).toThrow(/lacks the markers/);
  });
});
