/**
 * The checkout --write changes: writes go through symlinks that stay inside the repository, never
 * through ones that leave it, and keep the file's mode.
 */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/index.js";
import { openCheckout } from "../../src/pipeline/index.js";

let base: string;
let repo: string;

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), "argocd-image-pr-workspace-"));
  repo = join(base, "repo");
  mkdirSync(join(repo, "shared"), { recursive: true });
  writeFileSync(join(repo, "shared", "values.yaml"), "image:\n  tag: 1.0.0\n");
  writeFileSync(join(base, "outside.yaml"), "secret: keep-me\n");
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

describe("checkout", () => {
  it("writes through a symlink to a file inside the repository, and the link stays a link", async () => {
    mkdirSync(join(repo, "app"));
    symlinkSync("../shared/values.yaml", join(repo, "app", "values.yaml"));
    const workspace = openCheckout(repo);

    await workspace.write("app/values.yaml", "image:\n  tag: 1.0.1\n");

    expect(lstatSync(join(repo, "app", "values.yaml")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(repo, "shared", "values.yaml"), "utf8")).toBe("image:\n  tag: 1.0.1\n");
    expect(await workspace.read("app/values.yaml")).toBe("image:\n  tag: 1.0.1\n");
  });

  it.each([
    ["a linked file", (): void => symlinkSync(join(base, "outside.yaml"), join(repo, "values.yaml")), "values.yaml"],
    ["a linked directory", (): void => symlinkSync(base, join(repo, "up")), "up/outside.yaml"],
  ])("refuses %s that leads outside the repository, and leaves the outside file alone", async (_name, link, file) => {
    link();
    const workspace = openCheckout(repo);

    await expect(workspace.read(file)).rejects.toThrow(ConfigError);
    await expect(workspace.write(file, "secret: changed\n")).rejects.toThrow(/symbolic link that leads outside the repository/);
    expect(readFileSync(join(base, "outside.yaml"), "utf8")).toBe("secret: keep-me\n");
  });

  it("keeps the file's mode", async () => {
    chmodSync(join(repo, "shared", "values.yaml"), 0o640);
    const workspace = openCheckout(repo);

    await workspace.write("shared/values.yaml", "image:\n  tag: 2.0.0\n");

    expect(statSync(join(repo, "shared", "values.yaml")).mode & 0o777).toBe(0o640);
  });

  it("reads a missing file as null and refuses a path that climbs out", async () => {
    const workspace = openCheckout(repo);

    expect(await workspace.read("nope/values.yaml")).toBeNull();
    await expect(workspace.read("../outside.yaml")).rejects.toThrow(/points outside the repository/);
  });

  it("lists a directory with each entry's type, and a missing one as null", async () => {
    mkdirSync(join(repo, "apps", "web"), { recursive: true });
    writeFileSync(join(repo, "apps", "kustomization.yaml"), "resources: [web]\n");
    symlinkSync("kustomization.yaml", join(repo, "apps", "link.yaml"));
    const checkout = openCheckout(repo);

    const entries = await checkout.list("apps");
    expect([...(entries ?? [])].sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: "kustomization.yaml", type: "file" },
      { name: "link.yaml", type: "symlink" },
      { name: "web", type: "dir" },
    ]);
    expect(await checkout.list("nope")).toBeNull();
    expect((await checkout.list(""))?.some((entry) => entry.name === "apps" && entry.type === "dir")).toBe(true);
  });
});
