/** A Flux HelmRelease: its `spec.values` are Helm values (issue 8, item 13). */
import { describe, expect, it } from "vitest";

import { readImage, writeImage } from "../../src/editors/index.js";
import { parseRepoConfig } from "../../src/sources/index.js";
import { locator } from "./support.js";

const RELEASE = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: flux-system
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      version: "6.x"
      sourceRef: { kind: HelmRepository, name: podinfo }
  values:
    replicaCount: 2
    image:
      repository: ghcr.io/stefanprodan/podinfo
      tag: 6.5.0 # pinned
`;

describe("Flux HelmRelease", () => {
  it("a repo-config target naming the file without kind: is recognised and edited in spec.values", () => {
    const config = `version: 1\ntargets:\n  - name: podinfo\n    file: clusters/prod/podinfo.yaml\n    image: ghcr.io/stefanprodan/podinfo\n`;
    const [target] = parseRepoConfig(config, ".github/argocd-image-pr.yml", null).targets;
    expect(target).toBeDefined();
    const at = locator(target?.write.kind ?? "manifest", "ghcr.io/stefanprodan/podinfo");
    expect(readImage(RELEASE, "clusters/prod/podinfo.yaml", at)).toMatchObject({ tag: "6.5.0", occurrences: 1 });
    expect(writeImage(RELEASE, "clusters/prod/podinfo.yaml", at, { tag: "6.5.4", digest: null })).toBe(
      RELEASE.replace("tag: 6.5.0 #", "tag: 6.5.4 #"),
    );
  });

  it.each([
    ["kind helm, conventional keys", locator("helm", "ghcr.io/stefanprodan/podinfo")],
    [
      "kind helm, keys relative to spec.values",
      locator("helm", "ghcr.io/stefanprodan/podinfo", { helm: { imageName: "image.repository", imageTag: "image.tag" } }),
    ],
    [
      "kind helm, keys from the document root",
      locator("helm", "ghcr.io/stefanprodan/podinfo", {
        helm: { imageName: "spec.values.image.repository", imageTag: "spec.values.image.tag" },
      }),
    ],
  ])("%s", (_name, at) => {
    expect(readImage(RELEASE, "podinfo.yaml", at)).toMatchObject({ tag: "6.5.0" });
    expect(writeImage(RELEASE, "podinfo.yaml", at, { tag: "6.5.4", digest: null })).toBe(RELEASE.replace("tag: 6.5.0 #", "tag: 6.5.4 #"));
  });

  it("values outside spec.values (the chart's own version) are never taken for the image", () => {
    const other = RELEASE.replace("apiVersion: helm.toolkit.fluxcd.io/v2", "apiVersion: example.com/v1");
    expect(readImage(other, "podinfo.yaml", locator("manifest", "ghcr.io/stefanprodan/podinfo"))).toBeNull();
  });
});
