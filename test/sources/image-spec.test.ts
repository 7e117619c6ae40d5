/**
 * image-list entries that are not images: a URL, a bare registry host, a date. Docker's grammar
 * reads each as a Docker Hub repository (`docker.io/library/https`, `…/127.0.0.1`), so a pass
 * would ask registry-1.docker.io for an image nobody named. Each is an error on that image.
 */
import { describe, expect, it } from "vitest";
import { parseImageSpec } from "../../src/sources/image-spec.js";
import { targetsFromApplications, type Application } from "../../src/sources/index.js";

describe("parseImageSpec refuses what is not an image, saying what it looks like", () => {
  it.each([
    ["b=https://host/img", /"https:\/\/host\/img" is a URL; an image is written without a scheme: host\/img/],
    ["b=http://127.0.0.1:5000/app:~1.2", /is a URL; an image is written without a scheme: 127\.0\.0\.1:5000\/app:~1\.2/],
    ["oci://ghcr.io/org/chart", /is a URL; an image is written without a scheme: ghcr\.io\/org\/chart/],
    ["b=127.0.0.1:", /"127\.0\.0\.1" is a registry host, not an image; add the repository: 127\.0\.0\.1\/<repository>/],
    ["b=127.0.0.1:5000", /"127\.0\.0\.1:5000" is a registry host/],
    ["b=localhost:", /"localhost" is a registry host/],
    ["b=ghcr.io", /"ghcr\.io" is a registry host, not an image; add the repository: ghcr\.io\/<repository>/],
    ["b=registry.example.com:~1.2", /"registry\.example\.com" is a registry host/],
    ["b=10.0.0.7", /"10\.0\.0\.7" is a registry host/],
    ["2001-12-14t21:59:43.10-05:00", /"2001-12-14t21:59:43\.10-05:00" is a date and time \(a YAML timestamp\), not an image/],
    ["b=2001-12-14 21:59:43.10 -5", /is a date and time \(a YAML timestamp\)/],
    ["b=2002-12-14", /"2002-12-14" is a date \(a YAML timestamp\), not an image/],
  ])("%s", (value, reason) => {
    const result = parseImageSpec(value);
    expect(result).toMatchObject({ ok: false, problem: "invalid" });
    expect(result.ok ? "" : result.reason).toMatch(reason);
  });

  it.each([
    ["nginx", "docker.io/library/nginx", null],
    ["nginx:", "docker.io/library/nginx", null],
    ["registry:5000", "docker.io/library/registry", "5000"], // Docker Hub's registry image, constraint 5000
    ["b=127.0.0.1:5000/app", "127.0.0.1:5000/app", null],
    ["b=localhost/app:~1", "localhost/app", "~1"],
    ["b=ghcr.io/org/app:>=1.0.0 <2", "ghcr.io/org/app", ">=1.0.0 <2"],
    ["web=busybox", "docker.io/library/busybox", null],
  ])("%s is still an image", (value, repository, constraint) => {
    const result = parseImageSpec(value);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(`${result.spec.image.registry}/${result.spec.image.repository}`).toBe(repository);
      expect(result.spec.constraint).toBe(constraint);
    }
  });
});

describe("an image-list entry that is not an image", () => {
  it("is an error on that image, never a target (so never a lookup); the other images go on", () => {
    const app: Application = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: {
        name: "web",
        namespace: "argocd",
        annotations: {
          "argocd-image-updater.argoproj.io/image-list": "a=nginx,b=https://host/img,c=127.0.0.1:,d=2001-12-14t21:59:43.10-05:00",
        },
      },
      spec: { source: { repoURL: "https://github.com/acme/gitops", path: "apps/web", targetRevision: "HEAD" } },
      file: null,
    };

    const result = targetsFromApplications({ applications: [app], imageUpdaters: [] });

    expect(result.targets.map((t) => `${t.image.registry}/${t.image.repository}`)).toEqual(["docker.io/library/nginx"]);
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/image-list entry "b=https:\/\/host\/img" is not a valid image: .*is a URL/),
      expect.stringMatching(/image-list entry "c=127\.0\.0\.1:" is not a valid image: .*is a registry host/),
      expect.stringMatching(/image-list entry "d=2001-12-14t21:59:43\.10-05:00" is not a valid image: .*YAML timestamp/),
    ]);
  });
});
