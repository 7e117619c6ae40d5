/**
 * Values argocd-image-updater accepts are accepted as it accepts them (its Go source says how);
 * values it accepts but that cannot do what they say, or that it never reads, warn by key.
 */
import { describe, expect, it } from "vitest";
import { parseManifests, targetsFromApplications } from "../../src/sources/index.js";

function fromAnnotations(annotations: Record<string, string>): ReturnType<typeof targetsFromApplications> {
  const lines = Object.entries(annotations).map(([key, value]) => `    argocd-image-updater.argoproj.io/${key}: ${JSON.stringify(value)}`);
  const text = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\n  annotations:\n${lines.join("\n")}\nspec:\n  source: { repoURL: https://github.com/o/gitops, path: web, kustomize: {} }\n`;
  const parsed = parseManifests(text, "apps/web.yaml");
  expect(parsed.problems).toEqual([]);
  return targetsFromApplications(parsed);
}

describe("accepted as argocd-image-updater accepts them", () => {
  it.each([
    ["update-strategy in upper case (ParseUpdateStrategy lower-cases)", { "web.update-strategy": "SEMVER" }, { strategy: "semver" }],
    ["a strategy with a trailing blank (annotations are trimmed)", { "web.update-strategy": "latest " }, { strategy: "newest-build" }],
    [
      "an empty regexp: (Go compiles it: every tag matches)",
      { "web.allow-tags": "regexp:" },
      { allowTags: { kind: "regexp", pattern: "" } },
    ],
  ])("%s", (_name, annotations, policy) => {
    const result = fromAnnotations({ "image-list": "web=ghcr.io/o/web", ...annotations });

    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => t.policy)).toEqual([expect.objectContaining(policy)]);
  });

  it("a trailing comma in image-list (empty entries are skipped)", () => {
    const result = fromAnnotations({ "image-list": "web=ghcr.io/o/web, api=ghcr.io/o/api," });

    expect(result.problems).toEqual([]);
    expect(result.targets.map((t) => t.alias)).toEqual(["web", "api"]);
  });
});

describe("accepted, but they cannot do what they say: a warning names the key", () => {
  it("platforms that list no platform", () => {
    const result = fromAnnotations({ "image-list": "web=ghcr.io/o/web", "web.platforms": "," });

    expect(result.targets.map((t) => t.policy.platforms)).toEqual([[]]);
    expect(result.problems.map((p) => [p.severity, p.message])).toEqual([
      [
        "warning",
        'Application argocd/web: argocd-image-updater.argoproj.io/web.platforms for image "web": platforms "," lists no platform, so no platform restriction applies (argocd-image-updater would restrict the image to its own platform); list os/arch[/variant] values or remove the key',
      ],
    ]);
  });

  it("an ignore-tags entry with a control character, which no tag can hold", () => {
    const result = fromAnnotations({ "image-list": "web=ghcr.io/o/web", "web.ignore-tags": "latest, dev\u0000*" });

    expect(result.targets.map((t) => t.policy.ignoreTags)).toEqual([["latest", "dev\u0000*"]]);
    expect(result.problems.map((p) => [p.severity, p.message])).toEqual([
      [
        "warning",
        'Application argocd/web: argocd-image-updater.argoproj.io/web.ignore-tags for image "web": ignore-tags entry "dev\\x00*" contains a control character, which no tag can hold, so it ignores nothing; remove the character',
      ],
    ]);
  });
});

describe("ImageUpdater values with blanks around them", () => {
  it("warn: image-updater reads a CR field as written (annotations it trims), so the two would differ", () => {
    const text = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: { name: web, namespace: argocd }\nspec: { source: { repoURL: https://github.com/o/gitops, path: web, kustomize: {} } }\n---\napiVersion: argocd-image-updater.argoproj.io/v1alpha1\nkind: ImageUpdater\nmetadata: { name: web, namespace: argocd }\nspec:\n  commonUpdateSettings: { updateStrategy: "latest ", allowTags: " regexp:^v" }\n  applicationRefs:\n    - namePattern: web\n      images: [{ alias: web, imageName: ghcr.io/o/web }]\n`;
    const parsed = parseManifests(text, "apps/web.yaml");

    const result = targetsFromApplications(parsed);

    expect(result.targets.map((t) => t.policy.strategy)).toEqual(["newest-build"]);
    expect(result.problems.map((p) => [p.severity, p.message])).toEqual([
      [
        "warning",
        'ImageUpdater argocd/web: commonUpdateSettings.updateStrategy for image "web": update strategy "latest " has blanks around it; argocd-image-updater reads ImageUpdater fields as written (for it this is no known strategy, so it uses semver), argocd-image-pr trims them: remove the blanks',
      ],
      [
        "warning",
        'ImageUpdater argocd/web: commonUpdateSettings.allowTags for image "web": allow-tags " regexp:^v" has blanks around it; argocd-image-updater reads ImageUpdater fields as written (for it no tag matches), argocd-image-pr trims them: remove the blanks',
      ],
    ]);
  });
});

describe("unknown ImageUpdater fields", () => {
  const updater = (spec: string): string =>
    `apiVersion: argocd-image-updater.argoproj.io/v1alpha1\nkind: ImageUpdater\nmetadata: { name: web, namespace: argocd }\nspec:\n${spec}`;

  it("warn by path, naming the field meant; the known ones are read", () => {
    const text = updater(
      [
        "  commonUpdateSetings: { updateStrategy: digest }",
        "  applicationRefs:",
        "    - namePattern: web",
        "      images:",
        "        - alias: web",
        "          imageName: ghcr.io/o/web",
        "          commonUpdateSettings: { allowtags: 'regexp:^v' }",
        "          manifestTargets: { helm: { name: image.repository, tags: image.tag } }",
        "      writeBackConfig: { method: git, gitConfig: { branch: main, pullRequest: { github: {} } } }",
        "      colour: blue",
        "",
      ].join("\n"),
    );

    const result = parseManifests(text, "apps/updater.yaml");

    expect(result.imageUpdaters).toHaveLength(1);
    expect(result.problems.map((p) => [p.severity, p.message])).toEqual([
      [
        "warning",
        "ImageUpdater argocd/web: spec.commonUpdateSetings is not an ImageUpdater field and is ignored (the API server drops it); did you mean commonUpdateSettings?",
      ],
      [
        "warning",
        "ImageUpdater argocd/web: spec.applicationRefs[0].images[0].commonUpdateSettings.allowtags is not an ImageUpdater field and is ignored (the API server drops it); did you mean allowTags?",
      ],
      [
        "warning",
        "ImageUpdater argocd/web: spec.applicationRefs[0].images[0].manifestTargets.helm.tags is not an ImageUpdater field and is ignored (the API server drops it); did you mean tag?",
      ],
      [
        "warning",
        "ImageUpdater argocd/web: spec.applicationRefs[0].colour is not an ImageUpdater field and is ignored (the API server drops it)",
      ],
    ]);
  });
});
