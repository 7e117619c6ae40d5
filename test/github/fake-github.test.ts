import { execFileSync } from "node:child_process";
import { graphql } from "@octokit/graphql";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signedWebhook, startFakeGitHub, type FakeGitHub } from "../support/fake-github/index.js";

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let fake: FakeGitHub;
let repoCount = 0;

function appClient(): InstanceType<typeof ProbotOctokit> {
  return new ProbotOctokit({ auth: { appId: fake.appId, privateKey: fake.privateKey }, baseUrl: fake.url, log: quiet });
}

function installationClient(installationId: number, options: { retries?: number } = {}): InstanceType<typeof ProbotOctokit> {
  return new ProbotOctokit({
    auth: { appId: fake.appId, privateKey: fake.privateKey, installationId },
    baseUrl: fake.url,
    log: quiet,
    ...(options.retries === undefined ? {} : { retry: { retries: options.retries }, throttle: { enabled: false } }),
  });
}

function git(gitDir: string, ...args: string[]): string {
  return execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8" }).trim();
}

async function newRepo(files: Record<string, string> = { "apps/values.yaml": "image:\n  tag: 1.0.0\n" }, options: { allowAutoMerge?: boolean } = {}) {
  const fullName = `acme/repo-${++repoCount}`;
  const repo = await fake.createRepo(fullName, { files, ...options });
  const { data } = await appClient().request("GET /repos/{owner}/{repo}/installation", { owner: "acme", repo: fullName.split("/")[1] ?? "" });
  return { repo, owner: "acme", name: fullName.split("/")[1] ?? "", octokit: installationClient(data.id), installationId: data.id };
}

beforeAll(async () => {
  fake = await startFakeGitHub();
});

afterAll(async () => {
  await fake.close();
});

afterEach(() => {
  try {
    fake.assertNoViolations();
  } finally {
    fake.resetLog();
  }
});

describe("app authentication", () => {
  it("answers GET /app with the JWT and refuses a bad token", async () => {
    await newRepo();
    const { data } = await appClient().request("GET /app");
    expect(data?.id).toBe(fake.appId);
    const installations = await appClient().request("GET /app/installations");
    expect(installations.data.map((i) => i.account && "login" in i.account ? i.account.login : null)).toContain("acme");
    const bad = new ProbotOctokit({ auth: { token: "ghs_notatoken" }, baseUrl: fake.url, log: quiet, retry: { enabled: false } });
    await expect(bad.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "repo-1" })).rejects.toMatchObject({ status: 401 });
  });
});

describe("smoke", () => {
  it("makes a commit through the git data API and opens a PR", async () => {
    const { repo, owner, name, octokit } = await newRepo();
    const { data: r } = await octokit.rest.repos.get({ owner, repo: name });
    expect(r.default_branch).toBe("main");
    const { data: ref } = await octokit.rest.git.getRef({ owner, repo: name, ref: "heads/main" });
    const { data: base } = await octokit.rest.git.getCommit({ owner, repo: name, commit_sha: ref.object.sha });
    const { data: tree } = await octokit.rest.git.createTree({ owner, repo: name, base_tree: base.tree.sha, tree: [{ path: "apps/values.yaml", mode: "100644", type: "blob", content: "image:\n  tag: 1.1.0\n" }] });
    const { data: commit } = await octokit.rest.git.createCommit({ owner, repo: name, message: "Update to 1.1.0", tree: tree.sha, parents: [ref.object.sha] });
    expect(commit.verification?.verified).toBe(true);
    await octokit.rest.git.createRef({ owner, repo: name, ref: "refs/heads/argocd-image-pr/app", sha: commit.sha });
    const { data: pr } = await octokit.rest.pulls.create({ owner, repo: name, title: "Update", head: "argocd-image-pr/app", base: "main", body: "body" });
    expect(pr.number).toBe(1);
    const { data: full } = await octokit.rest.pulls.get({ owner, repo: name, pull_number: 1 });
    expect(full.mergeable).toBe(true);
    expect(await repo.readFile("argocd-image-pr/app", "apps/values.yaml")).toBe("image:\n  tag: 1.1.0\n");
    expect(git(repo.gitDir, "rev-parse", "refs/heads/argocd-image-pr/app")).toBe(commit.sha);
    const webhook = signedWebhook(fake, "push", { ref: "x" });
    expect(webhook.headers["x-hub-signature-256"]).toMatch(/^sha256=/);
    void graphql;
  });
});
