import { describe, expect, it } from "vitest";
import { targetOf } from "../../test/plan/support.js";
import type { Target } from "../model/index.js";
import { DASHBOARD_MARKER, type DesiredPr, type ManagedPr, type PlanProblem, type TargetOutcome } from "../plan/index.js";
import type { State } from "../state/index.js";
import { DASHBOARD_MAX_LENGTH, renderDashboard, renderBox, tickedBoxes, type DashboardInput } from "./index.js";

function target(app: string, alias = "web", image = "ghcr.io/acme/web"): Target {
  return targetOf({ app: { name: app, namespace: "argocd" }, alias, image, file: `overlays/${app}` });
}

function update(t: Target, from: string, to: string): TargetOutcome {
  return {
    kind: "update",
    target: t,
    edits: [],
    update: {
      targetId: t.id,
      app: t.app?.name ?? null,
      alias: t.alias,
      image: `${t.image.registry}/${t.image.repository}`,
      file: `${t.write.path}/kustomization.yaml`,
      files: [`${t.write.path}/kustomization.yaml`],
      kind: "kustomize",
      from,
      fromDigest: null,
      to,
      digest: null,
      imageDigest: null,
      strategy: "semver",
      reason: `${to}: newest`,
      created: null,
      sourceUrl: null,
      revision: null,
    },
  };
}

function quiet(t: Target, current: string, reason: string): TargetOutcome {
  return {
    kind: "up-to-date",
    target: t,
    quiet: { targetId: t.id, app: t.app?.name ?? null, alias: t.alias, image: "x", file: null, current, reason },
  };
}

function failed(t: Target, message: string): TargetOutcome {
  const problem: PlanProblem = { target: t.id, app: t.app?.name ?? null, image: "ghcr.io/acme/web", file: null, message };
  return { kind: "failed", target: t, problems: [problem] };
}

function desired(branch: string, ids: readonly string[]): DesiredPr {
  return {
    key: branch,
    branch,
    base: "main",
    baseSha: "0".repeat(40),
    title: "t",
    body: "b",
    commitMessage: "m",
    labels: [],
    automerge: false,
    mergeMethod: "squash",
    files: [],
    metadata: {
      version: 1,
      key: branch,
      base: "main",
      targets: ids.map((id) => ({ id, image: "i", from: null, to: "1", digest: null, file: "f" })),
    },
    updates: [],
  };
}

function managedOpen(branch: string, number: number): ManagedPr {
  return {
    branch,
    head: null,
    pr: { number, state: "open", merged: false, title: "t", body: "", labels: [], base: "main", autoMerge: false, metadata: null },
  };
}

const audit = { at: "2026-12-01T10:00:00.000Z", link: "https://github.com/acme/gitops/issues/1#issuecomment-1" };

function input(overrides: Partial<DashboardInput> = {}): DashboardInput {
  const dev = target("web-dev");
  const prod = target("web-prod");
  return {
    repo: "acme/gitops",
    defaultBranch: "main",
    outcomes: [update(dev, "1.27.0", "1.27.3"), quiet(prod, "1.27.3", "1.27.3 is the newest eligible tag")],
    desired: [desired("argocd-image-pr/web-dev", [dev.id])],
    managed: [],
    results: [{ branch: "argocd-image-pr/web-dev", ok: true, number: 12 }],
    problems: [],
    state: null,
    ...overrides,
  };
}

describe("renderDashboard", () => {
  it("lists every target by Application: the tags, the PR, and a recheck box carrying the target id", () => {
    const body = renderDashboard(input());
    expect(body.startsWith(`${DASHBOARD_MARKER}\n`)).toBe(true);
    expect(body).toContain(
      "## Targets\n\n### Application argocd\\/web\\-dev\n\n**web** · ghcr\\.io\\/acme\\/web · id argocd\\/web\\-dev\\/web",
    );
    expect(body).toContain("- on main: 1\\.27\\.0\n- newest eligible: **1\\.27\\.3** in #12");
    expect(body).toContain("- up to date: 1\\.27\\.3 is the newest eligible tag");
    expect(body.indexOf("web\\-dev")).toBeLessThan(body.indexOf("web\\-prod"));
    expect(tickedBoxes(body, body.replace(/- \[ \]/g, "- [x]"))).toEqual([
      { action: "recheck", target: "argocd/web-dev/web" },
      { action: "recheck", target: "argocd/web-prod/web" },
    ]);
  });

  it("takes an open PR the pass found when it wrote nothing", () => {
    const body = renderDashboard(input({ results: [], managed: [managedOpen("argocd-image-pr/web-dev", 7)] }));
    expect(body).toContain("**1\\.27\\.3** in #7");
  });

  it("shows a pin (tag, by whom) and a hold (above which tag, why), each lifted by an unpin box", () => {
    const state: State = {
      version: 1,
      targets: {
        "argocd/web-dev/web": { pin: { tag: "1.27.1", by: "alice", why: "/pin web-dev/web 1.27.1", ...audit }, holds: [], refused: [] },
        "argocd/web-prod/web": {
          holds: [{ above: "1.28.0", until: "newer", pr: 4, by: "argocd-image-pr[bot]", why: "rolled back in abc", ...audit }],
          refused: [],
        },
      },
    };
    const body = renderDashboard(input({ state }));
    expect(body).toContain("- pinned at **1\\.27\\.1** by alice: \\/pin web\\-dev\\/web 1\\.27\\.1");
    expect(body).toContain("- held (only newer tags) above **1\\.28\\.0** since #4: rolled back in abc");
    expect(tickedBoxes(body, body.replace(/- \[ \]/g, "- [x]")).filter((t) => t.action === "unpin")).toEqual([
      { action: "unpin", target: "argocd/web-dev/web" },
      { action: "unpin", target: "argocd/web-prod/web" },
    ]);
  });

  it("puts a target's error under it and the repository's problems (config, state file) at the top", () => {
    const dev = target("web-dev");
    const config: PlanProblem = {
      target: null,
      app: null,
      image: null,
      file: ".github/argocd-image-pr.yml",
      message: "unknown key foo (remove it)",
    };
    const body = renderDashboard(
      input({
        outcomes: [failed(dev, "authentication failed (set credentials for ghcr.io in registries.conf)")],
        problems: [
          config,
          {
            target: dev.id,
            app: "web-dev",
            image: "ghcr.io/acme/web",
            file: null,
            message: "authentication failed (set credentials for ghcr.io in registries.conf)",
          },
        ],
        desired: [],
        results: [],
        stateProblem: "state.json is not JSON (restore it from the branch's history)",
      }),
    );
    const top = body.indexOf("## Problems");
    expect(top).toBeGreaterThan(0);
    expect(body).toContain("- **error** (the state file): state\\.json is not JSON");
    expect(body).toContain("- **error** (\\.github\\/argocd\\-image\\-pr\\.yml): unknown key foo \\(remove it\\)");
    const error = body.indexOf(
      "- **error** (ghcr\\.io\\/acme\\/web): authentication failed \\(set credentials for ghcr\\.io in registries\\.conf\\)",
    );
    expect(error).toBeGreaterThan(body.indexOf("### Application argocd\\/web\\-dev"));
    // Given twice (the outcome's problem is also the report's), shown once.
    expect(body.split("authentication failed").length).toBe(2);
  });

  it("escapes a hostile tag, alias, reason and login: no mention, link, HTML or marker escapes", () => {
    const evil = target("web-dev", "<img src=x>@team");
    const state: State = {
      version: 1,
      targets: {
        [evil.id]: { pin: { tag: "v1", by: "@octocat", why: "[x](https://evil) <!-- --> #1", ...audit }, holds: [], refused: [] },
      },
    };
    const body = renderDashboard(
      input({
        outcomes: [quiet(evil, "v1", "@admins see [here](https://evil) -->\n- [x] <!-- argocd-image-pr:box unpin x -->")],
        desired: [],
        state,
      }),
    );
    expect(body).not.toMatch(/<img|@team|@octocat|@admins|\]\(https|^- \[x\]/m);
    expect(body).toContain("&lt;img src\\=x&gt;@&#8203;team");
    // The one real comment is the marker; every other `<!--` is a box's own marker.
    const comments = body.match(/<!--[^]*?-->/g) ?? [];
    expect(comments[0]).toBe(DASHBOARD_MARKER);
    expect(comments.slice(1).every((c) => c.startsWith("<!-- argocd-image-pr:box "))).toBe(true);
    // The hostile id round-trips through its box marker.
    expect(tickedBoxes(body, body.replace(/- \[ \]/g, "- [x]"))).toEqual([
      { action: "recheck", target: evil.id },
      { action: "unpin", target: evil.id },
    ]);
  });

  it("stays under the limit, cutting whole targets only, with a note", () => {
    const outcomes = Array.from({ length: 400 }, (_, i) =>
      quiet(target(`app-${String(i).padStart(3, "0")}`), "1.0.0", `#${"@".repeat(150)}`),
    );
    const body = renderDashboard(input({ outcomes, desired: [], results: [] }));
    expect(body.length).toBeLessThanOrEqual(DASHBOARD_MAX_LENGTH);
    const note = /\n\n---\n\n(\d+) more targets not shown: an issue holds at most 65,536 characters/.exec(body);
    expect(note).not.toBeNull();
    const shownTargets = body.split("\n### Application ").length - 1;
    expect(shownTargets + Number(note?.[1])).toBe(400);
    // The last target shown is whole: its box is there.
    const before = body.slice(0, note?.index);
    expect(before.trimEnd().split("\n").at(-1)).toMatch(/^- \[ \] <!-- argocd-image-pr:box recheck argocd%2Fapp%2D\d+%2Fweb --> recheck$/);
  });

  it("cuts with a small bound too, never inside a block", () => {
    const body = renderDashboard(input({ maxLength: 1_200 }));
    expect(body.length).toBeLessThanOrEqual(1_200);
    expect(body).toContain("1 more target not shown");
    expect(body).not.toContain("web\\-prod");
  });

  it("is deterministic: the same inputs in another order give the same text byte for byte", () => {
    const a = input();
    const b = { ...a, outcomes: [...a.outcomes].reverse() };
    expect(renderDashboard(b)).toBe(renderDashboard(a));
  });

  it("says so when there are no targets", () => {
    expect(renderDashboard(input({ outcomes: [], desired: [], results: [] }))).toContain("No image targets were found on the base branch.");
  });
});

describe("tickedBoxes", () => {
  const recheck = renderBox("recheck", "argocd/app/web", "recheck");
  const unpin = renderBox("unpin", "argocd/app/web", "lift the pin / hold");
  const body = `${DASHBOARD_MARKER}\n\n${recheck}\n${unpin}\n`;

  it.each([
    ["nothing ticked", body, []],
    [
      "recheck ticked",
      body.replace(`- [ ] <!-- argocd-image-pr:box recheck`, "- [x] <!-- argocd-image-pr:box recheck"),
      [{ action: "recheck", target: "argocd/app/web" }],
    ],
    [
      "unpin ticked (capital X)",
      body.replace(`- [ ] <!-- argocd-image-pr:box unpin`, "- [X] <!-- argocd-image-pr:box unpin"),
      [{ action: "unpin", target: "argocd/app/web" }],
    ],
  ])("%s", (_name, after, expected) => {
    expect(tickedBoxes(body, after)).toEqual(expected);
  });

  it("a box already ticked before is not ticked again; a box pasted in ticked is not a tick", () => {
    const ticked = body.replace("- [ ] <!-- argocd-image-pr:box recheck", "- [x] <!-- argocd-image-pr:box recheck");
    expect(tickedBoxes(ticked, ticked)).toEqual([]);
    const pasted = `${ticked}- [x] <!-- argocd-image-pr:box unpin argocd%2Fother%2Fweb --> lift\n`;
    expect(tickedBoxes(body, pasted)).toEqual([{ action: "recheck", target: "argocd/app/web" }]);
    expect(tickedBoxes(null, ticked)).toEqual([]);
  });

  it("ignores a marker that is not in a list item's box, a bad encoding, and counts a repeated box once", () => {
    const before = `${recheck}\n${recheck}\n- [ ] <!-- argocd-image-pr:box recheck %E0%A4%A --> x\n`;
    const after = `${before.replace(/- \[ \]/g, "- [x]")}text - [x] <!-- argocd-image-pr:box recheck a -->\n`;
    expect(tickedBoxes(before, after)).toEqual([{ action: "recheck", target: "argocd/app/web" }]);
  });

  it("an id never closes its marker", () => {
    const line = renderBox("recheck", "ns/a-->b/c", "recheck");
    expect(line).toBe("- [ ] <!-- argocd-image-pr:box recheck ns%2Fa%2D%2D%3Eb%2Fc --> recheck");
    expect(tickedBoxes(line, line.replace("[ ]", "[x]"))).toEqual([{ action: "recheck", target: "ns/a-->b/c" }]);
  });
});
