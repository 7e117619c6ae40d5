/**
 * A misspelled argocd-image-updater annotation key warns, naming the key and the one meant —
 * `image-list` included, whose typo used to leave the Application unmanaged without a word.
 * Values of keys nobody reads are never echoed (they may be credentials).
 */
import { describe, expect, it } from "vitest";
import { parseManifests, targetsFromApplications } from "../../src/sources/index.js";

function run(annotations: Record<string, string>): ReturnType<typeof targetsFromApplications> {
  const lines = Object.entries(annotations).map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  const text = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  annotations:\n${lines.join("\n")}\nspec:\n  source: { repoURL: https://github.com/o/gitops, path: web, kustomize: {} }\n`;
  const parsed = parseManifests(text, "apps/web.yaml");
  expect(parsed.problems).toEqual([]);
  return targetsFromApplications(parsed);
}

const IMAGE = "web=ghcr.io/o/web:~1.0";

describe("a misspelled image-list key", () => {
  it.each([
    "argocd-image-updater.argoproj.io/imagelist",
    "argocd-image-updater.argoproj.io/image-lists",
    "argocd-image-updater.argoproj.io/Image-List",
    "argocd-image-updater.argoproj.io/image_list",
    "argocd-image-updater.argoproj.io.image-list",
    "argocd-image-updater.argoproj.com/image-list",
    "Argocd-Image-Updater.argoproj.io/image-list",
    "image-updater.argoproj.io/image-list",
  ])("%s warns, naming the key meant, and the Application is skipped as unmanaged", (key) => {
    const result = run({ [key]: IMAGE });

    expect(result.targets).toEqual([]);
    expect(result.problems).toEqual([
      {
        app: "argocd/web",
        image: null,
        file: "apps/web.yaml",
        message: `Application argocd/web: ${key}: "${key}" is not an argocd-image-updater annotation and is ignored; did you mean "argocd-image-updater.argoproj.io/image-list"? (keys are case-sensitive, under exactly argocd-image-updater.argoproj.io/). Without it the Application is not managed`,
        severity: "warning",
      },
    ]);
    expect(result.skipped.map((s) => s.app)).toEqual(["argocd/web"]);
    expect(JSON.stringify(result)).not.toContain("ghcr.io/o/web");
  });
});

describe("other misspelled keys", () => {
  it.each([
    ["argocd-image-updater.argoproj.com/web.update-strategy", "argocd-image-updater.argoproj.io/web.update-strategy"],
    ["argocd-image-updater.argoproj.io/web.update_strategy", "argocd-image-updater.argoproj.io/web.update-strategy"],
    ["argocd-image-updater.argoproj.io/Write-Back-Method", "argocd-image-updater.argoproj.io/write-back-method"],
    ["argocd-image-updater.argoproj.io/web.allow-tag", "argocd-image-updater.argoproj.io/web.allow-tags"],
  ])("%s warns and names %s; the image is still planned", (key, meant) => {
    const result = run({ "argocd-image-updater.argoproj.io/image-list": IMAGE, [key]: "ghp_SECRET" });

    expect(result.targets.map((t) => t.id)).toEqual(["argocd/web/web"]);
    expect(result.problems.map((p) => [p.severity, p.message])).toEqual([
      ["warning", expect.stringContaining(`"${key}" is not an argocd-image-updater annotation and is ignored; did you mean "${meant}"?`)],
    ]);
    expect(JSON.stringify(result.problems)).not.toContain("ghp_SECRET");
  });

  it("keys of other tools are left alone", () => {
    const result = run({
      "argocd-image-updater.argoproj.io/image-list": IMAGE,
      "argocd.argoproj.io/sync-wave": "1",
      "notifications.argoproj.io/subscribe.on-sync-succeeded.slack": "x",
    });

    expect(result.problems).toEqual([]);
  });
});
