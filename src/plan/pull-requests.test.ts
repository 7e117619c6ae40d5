import { describe, expect, it } from "vitest";
import { kustomization, readerOf, updateOf } from "../../test/plan/support.js";
import {
  AUTOMERGE_LABEL,
  branchFor,
  STATE_BRANCH,
  DEFAULT_PR_SETTINGS,
  desiredPrs,
  diffPrs,
  escapeMarkdown,
  gitBlobSha,
  globMatches,
  holdNoteKey,
  renderHoldNote,
  MAX_SLUG_LENGTH,
  parsePrMetadata,
  renderPrMetadata,
  updateTypeOf,
  withPrMetadata,
} from "./index.js";
import type { BranchCommit, DesiredPr, DiffContext, ManagedPr, PrMetadata, PrSettings } from "./index.js";

const settings: PrSettings = { ...DEFAULT_PR_SETTINGS, defaultBranch: "main" };
const NGINX = "ghcr.io/example/nginx";
const DEV = "apps/dev/kustomization.yaml";
const PROD = "apps/prod/kustomization.yaml";
const base = {
  reader: readerOf({
    [DEV]: kustomization({ [NGINX]: "1.27.0" }),
    [PROD]: kustomization({ [NGINX]: "1.26.0", "ghcr.io/example/api": "2.0.0" }),
  }),
  branch: "main",
  sha: "b".repeat(40),
};
const dev = { app: { name: "my-app-dev", namespace: "argocd" }, file: DEV, to: "1.27.4" };
const prod = { app: { name: "my-app-prod", namespace: "argocd" }, file: PROD, from: "1.26.0", to: "1.26.3" };
const prodApi = { ...prod, alias: "api", image: "ghcr.io/example/api", from: "2.0.0", to: "2.1.0" };

describe("branchFor", () => {
  it.each([
    ["my-app-dev", /^argocd-image-pr\/my-app-dev$/],
    ["team/web", /^argocd-image-pr\/team-web-[0-9a-f]{8}$/],
    ["..weird..name.lock", /^argocd-image-pr\/weird\.name-lock-[0-9a-f]{8}$/],
    ["a b", /^argocd-image-pr\/a-b-[0-9a-f]{8}$/],
    ["ü~^:?*[\\", /^argocd-image-pr\/[0-9a-f]{8}$/],
    ["@{", /^argocd-image-pr\/[0-9a-f]{8}$/],
  ])("%s → a valid ref, hashed when changed", (group, expected) => {
    const branch = branchFor(group);
    expect(branch).toMatch(expected);
    expect(branch).not.toMatch(/\.\.|\.lock$|[.-]$|\/[.-]|@\{/);
  });

  it("bounds the length and keeps cut names apart with a hash", () => {
    const a = branchFor(`${"a".repeat(200)}1`);
    const b = branchFor(`${"a".repeat(200)}2`);
    expect(a.length).toBe("argocd-image-pr/".length + MAX_SLUG_LENGTH);
    expect(a).not.toBe(b);
    expect(branchFor("a b")).not.toBe(branchFor("a-b"));
  });

  it.each(["state", "State", "STATE"])("a group named %s never gets the state branch", (group) => {
    const branch = branchFor(group);
    expect(branch.toLowerCase()).not.toBe(STATE_BRANCH);
    expect(branch).toMatch(/^argocd-image-pr\/state-[0-9a-f]{8}$/i);
  });
});

describe("escapeMarkdown", () => {
  it.each([
    ["@octocat", "@&#8203;octocat"],
    ["#12", "\\#&#8203;12"],
    ["<img src=x onerror=alert(1)>", "&lt;img src\\=x onerror\\=alert\\(1\\)&gt;"],
    ["[click](https://evil)", "\\[click\\]\\(https\\:\\/\\/evil\\)"],
    ["**bold** _it_ `code` ~~s~~ | cell", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\| cell"],
    ["line\nbreak\r\u202e", "line\\\\u000abreak\\\\u000d\\\\u202e"],
    ["1.27.4", "1\\.27\\.4"],
  ])("%j is inert", (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});

describe("metadata block", () => {
  const metadata: PrMetadata = {
    version: 1,
    key: "my-app-dev",
    base: "main",
    targets: [{ id: "argocd/my-app-dev/web", image: NGINX, from: "1.27.0", to: "1.27.4", digest: null, file: DEV }],
  };

  it("round-trips, hidden in a comment that its content cannot close", () => {
    const block = renderPrMetadata({ ...metadata, key: "--> <b>" });
    expect(block).toMatch(/^<!-- argocd-image-pr:metadata v1 [A-Za-z0-9_-]+ -->$/);
    expect(parsePrMetadata(`text\n\n${block}`)).toEqual({ ...metadata, key: "--> <b>" });
    expect(parsePrMetadata(withPrMetadata(`a\n\n${block}`, { ...metadata, handsOff: true }))).toEqual({ ...metadata, handsOff: true });
  });

  const encode = (value: unknown): string =>
    `<!-- argocd-image-pr:metadata v1 ${Buffer.from(JSON.stringify(value)).toString("base64url")} -->`;
  it.each([
    ["no block", "just a body"],
    ["two blocks", `${renderPrMetadata(metadata)}\n${renderPrMetadata(metadata)}`],
    ["a future version", renderPrMetadata(metadata).replace(" v1 ", " v2 ")],
    ["not base64 JSON", "<!-- argocd-image-pr:metadata v1 bm90IGpzb24 -->"],
    ["a tag that is not a tag", encode({ ...metadata, targets: [{ ...metadata.targets[0], to: "1.0 @all" }] })],
    ["an unknown field", encode({ ...metadata, extra: 1 })],
    ["no targets", encode({ ...metadata, targets: [] })],
    ["a marker mentioned twice", `argocd-image-pr:metadata ${renderPrMetadata(metadata)}`],
    ["a body over GitHub's limit", `${"x".repeat(70_000)}${renderPrMetadata(metadata)}`],
  ])("%s → not ours (null)", (_, body) => {
    expect(parsePrMetadata(body)).toBeNull();
  });
});

describe("globMatches / updateTypeOf", () => {
  it.each([
    ["overlays/dev/**", "overlays/dev/a/kustomization.yaml", true],
    ["overlays/dev/**", "overlays/prod/kustomization.yaml", false],
    ["**/dev/*.yaml", "apps/x/dev/values.yaml", true],
    ["*-dev", "my-app-dev", true],
    ["*-dev", "my-app-prod", false],
    ["my-app-[dp]*", "my-app-prod", true],
    ["a.b", "aXb", false],
  ])("%s ~ %s → %s", (glob, value, expected) => {
    expect(globMatches(glob, value)).toBe(expected);
  });

  it.each([
    ["1.27.0", "1.27.4", "patch"],
    ["1.27.0", "1.28.0", "minor"],
    ["v1.9", "v2.0", "major"],
    ["abc1234", "def5678", "other"],
    [null, "1.0.0", "other"],
  ] as const)("%s → %s is %s", (from, to, expected) => {
    expect(updateTypeOf(from, to)).toBe(expected);
  });
});

describe("desiredPrs", () => {
  it("opens one PR per Application: a dev/prod split gives two", async () => {
    const { prs, problems } = await desiredPrs([updateOf(dev), updateOf(prod), updateOf(prodApi)], base, settings);
    expect(problems).toEqual([]);
    expect(prs.map((pr) => [pr.key, pr.branch, pr.title, pr.files.map((f) => f.file)])).toEqual([
      ["my-app-dev", "argocd-image-pr/my-app-dev", "Update nginx to 1.27.4 (my-app-dev)", [DEV]],
      ["my-app-prod", "argocd-image-pr/my-app-prod", "Update 2 images (my-app-prod)", [PROD]],
    ]);
    // Both of prod's edits are composed on the base's text of the one file.
    expect(prs[1]?.files[0]?.after).toBe(kustomization({ [NGINX]: "1.26.3", "ghcr.io/example/api": "2.1.0" }));
    expect(prs[0]?.files[0]).toEqual({
      file: DEV,
      before: kustomization({ [NGINX]: "1.27.0" }),
      after: kustomization({ [NGINX]: "1.27.4" }),
    });
    expect(parsePrMetadata(prs[1]?.body)).toEqual(prs[1]?.metadata);
    expect(prs[1]?.metadata.targets.map((t) => t.id)).toEqual(["argocd/my-app-prod/web", "argocd/my-app-prod/api"]);
  });

  it.each([
    [
      "a pin",
      { kind: "pin", source: "/pin by alice", link: "https://github.com/acme/gitops/pull/3#issuecomment-9" },
      "Pin nginx to 1.27.4 (my-app-dev)",
      "This pull request sets one image of **my\\-app\\-dev** on main to the tag a person pinned.",
      "| Decided by | pinned: \\/pin by alice ([where](https://github.com/acme/gitops/pull/3#issuecomment-9)); no other update is proposed until `/unpin` |",
    ],
    [
      "a rollback",
      { kind: "rollback", source: "/rollback by alice", link: "https://github.com/acme/gitops/pull/12#issuecomment-1", reverts: 12 },
      "Roll back nginx to 1.27.4 (reverts #12)",
      "This pull request rolls one image of **my\\-app\\-dev** on main back to the tag it ran before, as a person asked (`/rollback`).",
      "| Decided by | rolled back, reverting #12: \\/rollback by alice ([where](https://github.com/acme/gitops/pull/12#issuecomment-1)); held: only tags newer than the rolled-back one are proposed after it |",
    ],
  ] as const)("%s says so in the title and the body, whatever the title template", async (_name, intent, title, intro, row) => {
    const { prs } = await desiredPrs([updateOf({ ...dev, update: { intent } })], base, { ...settings, title: "chore: {image} {to}" });
    expect(prs[0]?.title).toBe(title);
    expect(prs[0]?.body.split("\n\n")[0]).toBe(intro);
    expect(prs[0]?.body).toContain(row);
  });

  it("a pin's link that could break the markdown is left out", async () => {
    const intent = { kind: "pin", source: "/pin by [x](javascript:alert)", link: "https://x.example/a)(b" } as const;
    const { prs } = await desiredPrs([updateOf({ ...dev, update: { intent } })], base, settings);
    expect(prs[0]?.body).toContain(
      "| Decided by | pinned: \\/pin by \\[x\\]\\(javascript\\:alert\\); no other update is proposed until `/unpin` |",
    );
  });

  it("groups repo-config targets by name, or by group:, and names Applications outside argocd by namespace", async () => {
    const a = updateOf({ app: null, configName: "web", file: DEV, to: "1.27.4" });
    const b = updateOf({
      app: null,
      configName: "api",
      alias: "api",
      image: "ghcr.io/example/api",
      file: PROD,
      from: "2.0.0",
      to: "2.1.0",
    });
    const c = updateOf({ ...dev, app: { name: "my-app-dev", namespace: "team-a" } });
    const grouped = await desiredPrs([a, b], base, {
      ...settings,
      targets: { [a.target.id]: { group: "all" }, [b.target.id]: { group: "all" } },
    });
    expect(grouped.prs.map((pr) => pr.key)).toEqual(["all"]);
    const plain = await desiredPrs([a, b, c], base, settings);
    expect(plain.prs.map((pr) => pr.key)).toEqual(["api", "team-a-my-app-dev", "web"]);
  });

  it("keeps a target on another base branch out of this base's PRs, and names its group after the branch", async () => {
    const other = updateOf({ ...dev, branch: "release" });
    expect((await desiredPrs([other], base, settings)).prs).toEqual([]);
    const onRelease = await desiredPrs([other], { ...base, branch: "release" }, settings);
    expect(onRelease.prs.map((pr) => [pr.key, pr.branch, pr.base])).toEqual([
      ["my-app-dev-release", "argocd-image-pr/my-app-dev-release", "release"],
    ]);
  });

  it("applies the title template, the commit prefix and the labels", async () => {
    const s: PrSettings = {
      ...settings,
      title: "Deploy {image} {from}→{to} to {app}",
      commitPrefix: "chore(deps)",
      labels: ["deps", "argocd-image-pr"],
      targets: { "argocd/my-app-dev/web": { labels: ["team-web"] } },
    };
    const [pr] = (await desiredPrs([updateOf(dev)], base, s)).prs;
    expect(pr?.title).toBe("chore(deps): deploy nginx 1.27.0→1.27.4 to my-app-dev");
    expect(pr?.labels).toEqual(["argocd-image-pr", "deps", "team-web"]);
    expect(pr?.commitMessage.split("\n")[0]).toBe(pr?.title);
    expect(pr?.commitMessage).toMatch(/\n\nArgocd-Image-Pr: my-app-dev [0-9a-f]{16}\n$/);
  });

  it.each([
    ["a path rule", [{ paths: "apps/dev/**" }], {}, "1.27.4", true],
    ["a path rule elsewhere", [{ paths: "apps/prod/**" }], {}, "1.27.4", false],
    ["an application rule", [{ applications: "*-dev" }], {}, "1.27.4", true],
    ["a label rule", [{ labels: { env: "dev*" } }], { appLabels: { env: "development" } }, "1.27.4", true],
    ["a label rule, label missing", [{ labels: { env: "dev*" } }], {}, "1.27.4", false],
    ["a major without the rule saying so", [{ paths: "**" }], {}, "2.0.0", false],
    ["a major the rule allows", [{ paths: "**", updateTypes: ["major" as const] }], {}, "2.0.0", true],
    ["the target's own automerge", [], { automerge: true }, "1.28.0", true],
    ["the target's own automerge, a major", [], { automerge: true }, "2.0.0", false],
  ])("automerge by %s", async (_, rules, own, to, expected) => {
    const s: PrSettings = { ...settings, automerge: rules, targets: { "argocd/my-app-dev/web": own } };
    const [pr] = (await desiredPrs([updateOf({ ...dev, to })], base, s)).prs;
    expect(pr?.automerge).toBe(expected);
    expect(pr?.labels.includes(AUTOMERGE_LABEL)).toBe(expected);
  });

  it("drops a group whose edits disagree on one file and reports its targets failed", async () => {
    const one = updateOf({ ...prod, alias: "a", to: "1.26.3" });
    const two = updateOf({ ...prod, alias: "b", to: "1.26.2" });
    const result = await desiredPrs([one, two, updateOf(dev)], base, settings);
    expect(result.prs.map((pr) => pr.key)).toEqual(["my-app-dev"]);
    expect(result.failedTargets).toEqual(["argocd/my-app-prod/a", "argocd/my-app-prod/b"]);
    expect(result.problems[0]?.message).toMatch(/several targets set ghcr\.io\/example\/nginx to different versions/);
  });

  it("escapes everything from a registry or a file in the body", async () => {
    const hostile = updateOf({
      ...dev,
      file: "apps/dev/kustomization.yaml",
      constraint: "<script>@admins",
      update: {
        reason: "[x](https://evil) @org/team #1\n# heading",
        sourceUrl: "https://evil.example/<b>",
        revision: "`rm -rf`",
        created: "2026-10-15T09:00:00Z",
        imageDigest: `sha256:${"a".repeat(64)}`,
      },
    });
    const [pr] = (await desiredPrs([hostile], base, settings)).prs;
    const visible = pr?.body.split("<!-- argocd-image-pr:metadata")[0] ?? "";
    expect(visible).not.toMatch(/<script>|<b>|\[x\]\(|@org|@admins|#1|\n# heading|(?<!\\)`rm/);
    expect(visible).toContain("&lt;script&gt;@&#8203;admins");
    expect(visible).toContain("| Built | 2026\\-10\\-15 09\\:00 UTC |");
  });

  it("links the compare view when both revisions are known and the source is on GitHub", async () => {
    const withSource = updateOf({
      ...dev,
      update: { sourceUrl: "https://github.com/nginxinc/nginx-unprivileged", revision: "669d61abfbc5aaaa" },
    });
    const s = { ...settings, targets: { "argocd/my-app-dev/web": { fromRevision: "1234567890ab", destination: "in-cluster / web" } } };
    const [pr] = (await desiredPrs([withSource], base, s)).prs;
    expect(pr?.body).toContain("(https://github.com/nginxinc/nginx-unprivileged/compare/1234567890ab...669d61abfbc5aaaa)");
    expect(pr?.body).toContain("| Destination | in\\-cluster \\/ web |");
    expect(pr?.body).toMatchSnapshot();
  });
});

describe("diffPrs", () => {
  const context: DiffContext = { rebase: "conflicted", failedTargets: new Set(), quietReasons: new Map() };
  async function desiredOf(...specs: Parameters<typeof updateOf>[0][]): Promise<DesiredPr[]> {
    return [...(await desiredPrs(specs.map(updateOf), base, settings)).prs];
  }
  /** What GitHub holds once `desired` was executed: its commit on `parent`, its PR open. */
  function managedOf(
    desired: DesiredPr,
    change: {
      parent?: string;
      message?: string;
      files?: Map<string, string | null>;
      pr?: Partial<NonNullable<ManagedPr["pr"]>> | null;
    } = {},
  ): ManagedPr {
    const head: BranchCommit = {
      sha: "c".repeat(40),
      parents: [change.parent ?? desired.baseSha],
      message: change.message ?? desired.commitMessage,
      files: change.files ?? new Map(desired.files.map((f) => [f.file, gitBlobSha(f.after)])),
    };
    const pr =
      change.pr === null
        ? null
        : {
            number: 7,
            state: "open" as const,
            merged: false,
            title: desired.title,
            body: desired.body,
            labels: [...desired.labels],
            base: desired.base,
            autoMerge: false,
            metadata: desired.metadata,
            ...change.pr,
          };
    return { branch: desired.branch, head, pr };
  }

  it("creates what is missing and does nothing on a second pass", async () => {
    const desired = await desiredOf(dev, prod);
    expect(diffPrs(desired, [], context).map((a) => [a.kind, a.branch])).toEqual([
      ["create", "argocd-image-pr/my-app-dev"],
      ["create", "argocd-image-pr/my-app-prod"],
    ]);
    expect(
      diffPrs(
        desired,
        desired.map((d) => managedOf(d)),
        context,
      ),
    ).toEqual([]);
  });

  it("updates the same PR in place for a newer tag", async () => {
    const [old] = await desiredOf(dev);
    const [newer] = await desiredOf({ ...dev, to: "1.27.5" });
    if (old === undefined || newer === undefined) throw new Error("no PR");
    const actions = diffPrs([newer], [managedOf(old)], context);
    expect(actions).toEqual([
      {
        kind: "update",
        branch: newer.branch,
        number: 7,
        desired: newer,
        headSha: "c".repeat(40),
        commit: "update",
        retitle: true,
        addLabels: [],
      },
    ]);
  });

  it.each([
    ["conflicted", "base changed the file", true, "rebase-conflicted"],
    ["conflicted", "base moved elsewhere", false, null],
    ["behind", "base moved elsewhere", false, "rebase-behind"],
    ["never", "base changed the file", true, null],
  ] as const)("rebase: %s, %s → %s", async (rebase, _, fileChanged, expected) => {
    const [desired] = await desiredOf(dev);
    if (desired === undefined) throw new Error("no PR");
    const stale = fileChanged ? new Map([[DEV, gitBlobSha("older text")]]) : undefined;
    const managed = managedOf(desired, { parent: "a".repeat(40), ...(stale === undefined ? {} : { files: stale }) });
    // The commit's message fingerprints its own files, so an app commit on an old base stays "ours".
    const own =
      stale === undefined
        ? managed
        : {
            ...managed,
            head: { ...managed.head!, message: desired.commitMessage.replace(/[0-9a-f]{16}\n$/, `${fingerprintOf(stale)}\n`) },
          };
    const actions = diffPrs([desired], [own], { ...context, rebase });
    expect(actions.map((a) => (a.kind === "update" ? a.commit : a.kind))).toEqual(expected === null ? [] : [expected]);
  });

  it("closes a PR whose update is moot, saying why, and leaves one whose target failed", async () => {
    const [desired] = await desiredOf(dev);
    if (desired === undefined) throw new Error("no PR");
    const quiet = { ...context, quietReasons: new Map([["argocd/my-app-dev/web", "1.27.4 is already on the base branch"]]) };
    const [close] = diffPrs([], [managedOf(desired)], quiet);
    expect(close).toMatchObject({ kind: "close", number: 7, headSha: "c".repeat(40) });
    expect(close?.kind === "close" && close.comment).toContain("argocd\\/my\\-app\\-dev\\/web: 1\\.27\\.4 is already on the base branch");
    expect(diffPrs([], [managedOf(desired)], { ...context, failedTargets: new Set(["argocd/my-app-dev/web"]) })).toEqual([]);
  });

  it("keeps its hands off a branch someone else pushed to, saying so once", async () => {
    const [desired] = await desiredOf(dev);
    const [newer] = await desiredOf({ ...dev, to: "1.28.0" });
    if (desired === undefined || newer === undefined) throw new Error("no PR");
    const foreign = managedOf(desired, {
      message: "fix: my own change",
      pr: { labels: [...desired.labels, AUTOMERGE_LABEL], autoMerge: true },
    });
    const [action] = diffPrs([newer], [foreign], context);
    expect(action).toMatchObject({ kind: "hands-off", number: 7, removeLabels: [AUTOMERGE_LABEL], disableAutoMerge: true });
    const marked = action?.kind === "hands-off" ? action.body : "";
    expect(parsePrMetadata(marked)?.handsOff).toBe(true);
    const after: ManagedPr = { ...foreign, pr: { ...foreign.pr!, body: marked, metadata: parsePrMetadata(marked) } };
    expect(diffPrs([newer], [after], context)).toEqual([]);
    expect(diffPrs([], [after], context)).toEqual([]);
  });

  it("treats a PR with a tampered metadata block as not ours", async () => {
    const [desired] = await desiredOf(dev);
    const [newer] = await desiredOf({ ...dev, to: "1.28.0" });
    if (desired === undefined || newer === undefined) throw new Error("no PR");
    const tampered = managedOf(desired, { pr: { body: "edited", metadata: null } });
    expect(diffPrs([newer], [tampered], context)).toEqual([]);
    expect(diffPrs([], [tampered], context)).toEqual([]);
  });

  it("adopts its own branch left without a PR, deletes one nothing wants, and never touches a foreign branch", async () => {
    const [desired] = await desiredOf(dev);
    if (desired === undefined) throw new Error("no PR");
    const orphan = managedOf(desired, { pr: null });
    expect(diffPrs([desired], [orphan], context)).toEqual([
      { kind: "adopt", branch: desired.branch, desired, headSha: "c".repeat(40), commit: false },
    ]);
    expect(diffPrs([], [orphan], context)).toEqual([
      { kind: "delete-branch", branch: desired.branch, headSha: "c".repeat(40), reason: "no pull request and no update for it" },
    ]);
    const human = managedOf(desired, { pr: null, message: "wip" });
    expect(diffPrs([desired], [human], context)).toEqual([]);
    expect(diffPrs([], [human], context)).toEqual([]);
  });

  it("writes nothing after a merge, and does not re-propose an update a person closed", async () => {
    const [desired] = await desiredOf(dev);
    if (desired === undefined) throw new Error("no PR");
    expect(diffPrs([], [managedOf(desired, { pr: { state: "closed", merged: true } })], context)).toEqual([]);
    expect(diffPrs([desired], [managedOf(desired, { pr: { state: "closed", merged: false } })], context)).toEqual([]);
    const [newer] = await desiredOf({ ...dev, to: "1.28.0" });
    if (newer === undefined) throw new Error("no PR");
    expect(diffPrs([newer], [managedOf(desired, { pr: { state: "closed", merged: false } })], context).map((a) => a.kind)).toEqual([
      "adopt",
    ]);
  });

  it("adds a label a person removed, except the automerge label", async () => {
    const [desired] = await desiredOf(dev);
    if (desired === undefined) throw new Error("no PR");
    const d: DesiredPr = { ...desired, labels: ["argocd-image-pr", AUTOMERGE_LABEL] };
    expect(diffPrs([d], [managedOf(d, { pr: { labels: [] } })], context)).toMatchObject([
      { kind: "update", commit: null, retitle: false, addLabels: ["argocd-image-pr"] },
    ]);
    expect(diffPrs([d], [managedOf(d, { pr: { labels: ["argocd-image-pr"] } })], context)).toEqual([]);
  });
});

function fingerprintOf(files: Map<string, string | null>): string {
  // Mirrors own-commit.ts through its public API: the trailer of a commit with these files.
  return /([0-9a-f]{16})$/.exec(commitTrailerOf(files))?.[1] ?? "";
}
import { commitTrailer } from "./index.js";
function commitTrailerOf(files: Map<string, string | null>): string {
  return commitTrailer("my-app-dev", files);
}

describe("renderHoldNote", () => {
  it("says the target, the rolled-back tag, what the base has now and what happens next, all escaped", () => {
    const note = renderHoldNote({
      target: "argocd/<img src=x>/@team",
      above: "1.27.3",
      current: "1.27.0",
      until: "newer",
      link: "https://github.com/acme/gitops/commit/abc123",
    });
    expect(note).toBe(
      [
        "**Held after a rollback.** The base branch moved argocd\\/&lt;img src\\=x&gt;\\/@&#8203;team back from 1\\.27\\.3, which this pull request brought in, to 1\\.27\\.0 ([the commit](https://github.com/acme/gitops/commit/abc123)).",
        "From now on argocd-image-pr proposes only tags newer than 1\\.27\\.3 for it, and never 1\\.27\\.3 again. Comment `/unpin` here to lift the hold.",
      ].join("\n\n"),
    );
    expect(renderHoldNote({ target: "a/b", above: "2", current: null, until: "unpin", link: "https://x.example/a b" })).toBe(
      [
        "**Held after a rollback.** The base branch moved a\\/b back from 2, which this pull request brought in, to another tag.",
        "argocd-image-pr proposes no update for it until someone comments `/unpin` (the repository's `holdUntil: unpin`).",
      ].join("\n\n"),
    );
    expect(holdNoteKey({ target: "a/b", above: "2" })).toBe("hold a/b 2");
  });
});
