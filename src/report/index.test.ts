import { describe, expect, it } from "vitest";
import type { PlanResult } from "../pipeline/index.js";
import { formatPlanTable, formatTags, planToJson } from "./index.js";

const RESULT: PlanResult = {
  updates: [
    {
      targetId: "argocd/web/web",
      app: "web",
      alias: "web",
      image: "ghcr.io/example-org/web",
      file: "charts/web/values.yaml",
      files: ["charts/web/values.yaml"],
      kind: "helm",
      from: "2.3.1",
      fromDigest: null,
      to: "2.3.2",
      digest: null,
      imageDigest: "sha256:3333333333333333333333333333333333333333333333333333333333333333",
      strategy: "semver",
      reason: "2.3.2: newest tag matching ~2.3 of 5 tags",
      created: "2026-10-03T09:00:00.000Z",
      sourceUrl: "https://github.com/example-org/web",
      revision: "1a2b3c4d5e6f7a8b9c0d",
    },
    {
      targetId: "tools/busybox",
      app: null,
      alias: "busybox",
      image: "docker.io/library/busybox",
      file: "tools.yaml",
      files: ["tools.yaml"],
      kind: "manifest",
      from: "latest",
      fromDigest: "sha256:1111111111111111111111111111111111111111111111111111111111111111",
      to: "latest",
      digest: "sha256:2222222222222222222222222222222222222222222222222222222222222222",
      imageDigest: "sha256:2222222222222222222222222222222222222222222222222222222222222222",
      strategy: "digest",
      reason: "latest: digest changed",
      created: null,
      sourceUrl: null,
      revision: null,
    },
  ],
  upToDate: [
    {
      targetId: "argocd/api/api",
      app: "api",
      alias: "api",
      image: "ghcr.io/o/api",
      file: "api/kustomization.yaml",
      current: "1.0.0",
      reason: "1.0.0: already the newest tag",
    },
  ],
  errors: [
    {
      target: "argocd/broken/x",
      app: "broken",
      image: "ghcr.io/o/x",
      file: "x/values.yaml",
      message: 'file "x/values.yaml" does not exist',
    },
  ],
  // A warning about a declaration that made no target: no target id (absent reads as null).
  warnings: [{ app: "nginx", image: null, file: "apps/nginx.yaml", message: "unknown annotation app.semver", severity: "warning" }],
  skipped: [{ target: "argocd/billing/api", app: "billing", image: null, reason: "writes to o/billing, not to this checkout (o/gitops)" }],
  changes: [],
  written: false,
  stats: { targets: 5, images: 4, registryRequests: 9, cachedTagDetails: 0, durationMs: 42 },
};

describe("planToJson", () => {
  it("keeps exactly the documented fields, in a stable shape, with what a reviewer needs to know of the new image", () => {
    expect(planToJson(RESULT)).toEqual({
      updates: [
        {
          target: "argocd/web/web",
          app: "web",
          alias: "web",
          image: "ghcr.io/example-org/web",
          file: "charts/web/values.yaml",
          files: ["charts/web/values.yaml"],
          kind: "helm",
          from: "2.3.1",
          to: "2.3.2",
          digest: null,
          strategy: "semver",
          reason: "2.3.2: newest tag matching ~2.3 of 5 tags",
          imageDigest: "sha256:3333333333333333333333333333333333333333333333333333333333333333",
          created: "2026-10-03T09:00:00.000Z",
          sourceUrl: "https://github.com/example-org/web",
          revision: "1a2b3c4d5e6f7a8b9c0d",
        },
        {
          target: "tools/busybox",
          app: null,
          alias: "busybox",
          image: "docker.io/library/busybox",
          file: "tools.yaml",
          files: ["tools.yaml"],
          kind: "manifest",
          from: "latest",
          to: "latest",
          digest: "sha256:2222222222222222222222222222222222222222222222222222222222222222",
          strategy: "digest",
          reason: "latest: digest changed",
          imageDigest: "sha256:2222222222222222222222222222222222222222222222222222222222222222",
          created: null,
          sourceUrl: null,
          revision: null,
        },
      ],
      errors: [
        {
          target: "argocd/broken/x",
          app: "broken",
          image: "ghcr.io/o/x",
          file: "x/values.yaml",
          message: 'file "x/values.yaml" does not exist',
        },
      ],
      warnings: [{ target: null, app: "nginx", image: null, file: "apps/nginx.yaml", message: "unknown annotation app.semver" }],
      skipped: [
        { target: "argocd/billing/api", app: "billing", image: null, reason: "writes to o/billing, not to this checkout (o/gitops)" },
      ],
      stats: { targets: 5, images: 4, registryRequests: 9, cachedTagDetails: 0, durationMs: 42 },
    });
  });
});

describe("formatPlanTable", () => {
  it("groups by app, shows from → to, the file and the reason, then the rest", () => {
    expect(formatPlanTable(RESULT, { color: false })).toBe(
      [
        "(repo config)",
        "  busybox  docker.io/library/busybox  latest → latest @sha256:222222222222…",
        "    tools.yaml (manifest)",
        "    latest: digest changed",
        "web",
        "  web  ghcr.io/example-org/web  2.3.1 → 2.3.2",
        "    charts/web/values.yaml (helm)",
        "    2.3.2: newest tag matching ~2.3 of 5 tags",
        "    built 2026-10-03 09:00 UTC, sha256:333333333333…, https://github.com/example-org/web @ 1a2b3c4d5e6f",
        "",
        "Up to date",
        "  api  api  ghcr.io/o/api:1.0.0  1.0.0: already the newest tag",
        "",
        "Skipped",
        "  billing  writes to o/billing, not to this checkout (o/gitops)",
        "",
        "Warnings",
        "  nginx  apps/nginx.yaml",
        "    unknown annotation app.semver",
        "",
        "Errors",
        "  broken  ghcr.io/o/x  x/values.yaml",
        '    file "x/values.yaml" does not exist',
        "",
        "2 updates, 1 up to date, 1 skipped, 1 warning, 1 error — 5 targets, 4 images, 9 registry requests, 42 ms",
        "",
      ].join("\n"),
    );
  });

  it("paints errors red only when asked (a TTY)", () => {
    expect(formatPlanTable(RESULT, { color: false })).not.toContain("\u001b[");
    expect(formatPlanTable(RESULT, { color: true })).toContain('\u001b[31mfile "x/values.yaml" does not exist\u001b[0m');
  });

  it("says so when there is nothing to do", () => {
    const quiet: PlanResult = {
      ...RESULT,
      updates: [],
      upToDate: [],
      errors: [],
      warnings: [],
      skipped: [],
      stats: { targets: 2, images: 1, registryRequests: 2, cachedTagDetails: 0, durationMs: 1 },
    };
    expect(formatPlanTable(quiet, { color: false })).toBe(
      "No updates.\n\n0 updates, 0 up to date, 0 skipped, 0 warnings, 0 errors — 2 targets, 1 image, 2 registry requests, 1 ms\n",
    );
  });

  it('with no target at all, says there was none (the warning says where it looked), not "No updates."', () => {
    const empty: PlanResult = {
      ...RESULT,
      updates: [],
      upToDate: [],
      errors: [],
      warnings: [],
      skipped: [],
      stats: { targets: 0, images: 0, registryRequests: 0, cachedTagDetails: 0, durationMs: 1 },
    };
    expect(formatPlanTable(empty, { color: false })).toBe(
      "No targets.\n\n0 updates, 0 up to date, 0 skipped, 0 warnings, 0 errors — 0 targets, 0 images, 0 registry requests, 1 ms\n",
    );
  });
});

describe("terminal escapes from files and registries", () => {
  const CLEAR = "\u001b[2J";
  const TITLE = "\u001b]0;pwned\u0007";
  const hostile: PlanResult = {
    ...RESULT,
    updates: RESULT.updates.map((u) => ({ ...u, app: `web${CLEAR}`, reason: `${u.reason}${TITLE}`, sourceUrl: null })),
    upToDate: RESULT.upToDate.map((q) => ({ ...q, current: `1.0.0${CLEAR}` })),
    errors: [{ app: null, image: null, file: `x${TITLE}.yaml`, message: `bad\u009b31m value \u202egnp.exe` }],
    warnings: [],
    skipped: [{ app: `billing${CLEAR}`, image: null, reason: `because\r${CLEAR}` }],
  };

  it.each([false, true])("never reach the table raw (color %s); they are shown escaped", (color) => {
    const table = formatPlanTable(hostile, { color });
    const withoutOurColours = table.replace(/\u001b\[(?:\d+)m/g, "");

    expect(withoutOurColours).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(table).toContain("web\\e[2J");
    expect(table).toContain("\\e]0;pwned\\x07");
    expect(table).toContain("1.0.0\\e[2J");
    expect(table).toContain("x\\e]0;pwned\\x07.yaml");
    expect(table).toContain("bad\\x9b31m value \\u202egnp.exe");
    expect(table).toContain("because\\r\\e[2J");
  });
});

describe("formatTags", () => {
  it("escapes a registry's control characters in every format people read", () => {
    const result = {
      image: "ghcr.io/o/web",
      tags: [{ tag: "1.0.0", digest: "sha256:abc", created: `2026${"\u001b[2J"}`, platforms: ["linux/amd64\u001b]0;x\u0007"] }],
    };

    expect(formatTags(result, "table", true)).not.toContain("\u001b");
    expect(formatTags(result, "table", true)).toContain("2026\\e[2J");
    expect(formatTags({ ...result, tags: [{ tag: "1.0.0\u001b[2J" }] }, "table", false)).toBe("1.0.0\\e[2J\n");
  });
});
