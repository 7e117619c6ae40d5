/**
 * `argocd-image-pr run` as a process (issue 9, "How it runs"): Probot's setup flow when no app is
 * registered yet, webhooks at Probot's default path once it is, SCHEDULE reaching the app, and a bad
 * SCHEDULE refused before anything starts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signedWebhook, startFakeGitHub, type FakeGitHub } from "../support/fake-github/index.js";
import { startFakeKube } from "../support/fake-kube.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The settings a developer's shell might have, removed: each test gives exactly its own. */
const CLEAN = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !/^(APP_ID|PRIVATE_KEY|PRIVATE_KEY_PATH|WEBHOOK_SECRET|WEBHOOK_PATH|WEBHOOK_PROXY_URL|GHE_HOST|GHE_PROTOCOL|SCHEDULE|PORT|HOST|LOG_LEVEL|LOG_FORMAT|NODE_ENV|ARGOCD_IMAGE_PR_.*)$/.test(
        key,
      ),
  ),
);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0));
    });
  });
}

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await gone;
    }
  }
});

async function startRun(env: Record<string, string>, args: readonly string[] = []): Promise<Running> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "run", ...args], {
    cwd: ROOT,
    env: { ...CLEAN, PORT: String(port), HOST: "127.0.0.1", LOG_FORMAT: "json", LOG_LEVEL: "info", NO_SMEE_SETUP: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** Waits until the server answers (any status), or fails with what the process printed. */
async function listening(run: Running): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    if (run.child.exitCode !== null) throw new Error(`run exited with ${run.child.exitCode}:\n${run.output()}`);
    try {
      await fetch(`${run.url}/ping`, { redirect: "manual" });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`run did not listen within 20 s:\n${run.output()}`);
}

async function until(done: () => boolean, what: string, output: () => string): Promise<void> {
  for (let i = 0; i < 400 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!done()) throw new Error(`timed out waiting for ${what}:\n${output()}`);
}

describe("argocd-image-pr run without APP_ID: Probot's setup flow", () => {
  it("serves the manifest flow: / redirects to /probot, whose page posts app.yml's manifest to GitHub", async () => {
    const run = await startRun({});
    await listening(run);
    const root = await fetch(`${run.url}/`, { redirect: "manual" });
    expect([root.status, root.headers.get("location")]).toEqual([302, "/probot"]);
    const page = await fetch(`${run.url}/probot`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("https://github.com/settings/apps/new");
    // The manifest the form posts is app.yml's: its events and least permissions.
    const manifest = /name="manifest"[^>]*value='([^']*)'/.exec(html)?.[1];
    expect(manifest).toBeDefined();
    const parsed = JSON.parse(manifest ?? "") as Record<string, unknown>;
    const appYml = parse(readFileSync(`${ROOT}/app.yml`, "utf8")) as Record<string, unknown>;
    expect(appYml).toMatchObject({ name: "argocd-image-pr", default_permissions: { contents: "write", pull_requests: "write" } });
    expect(parsed).toMatchObject({ ...appYml, redirect_url: `${run.url}/probot/setup` });
    expect(run.child.exitCode).toBeNull();
  });
});

describe("argocd-image-pr run with an app", () => {
  let fake: FakeGitHub;
  beforeAll(async () => {
    fake = await startFakeGitHub({ ghes: true });
    await fake.createRepo("acme/deploy", { installationId: 91 });
  });
  afterAll(async () => {
    fake.assertNoViolations();
    await fake.close();
  });

  function appEnv(extra: Record<string, string>): Record<string, string> {
    const api = new URL(fake.url);
    return {
      APP_ID: String(fake.appId),
      PRIVATE_KEY: fake.privateKey,
      WEBHOOK_SECRET: fake.webhookSecret,
      // GitHub Enterprise Server settings: the API at <protocol>://<host>/api/v3.
      GHE_HOST: api.host,
      GHE_PROTOCOL: "http",
      ...extra,
    };
  }

  it("webhooks at /api/github/webhooks: an unsigned delivery is refused, a signed one starts a pass of its repository", async () => {
    const run = await startRun(appEnv({ SCHEDULE: "off" }));
    await listening(run);
    const payload = {
      action: "added",
      installation: { id: 91 },
      repositories_added: [{ full_name: "acme/deploy" }],
      sender: { login: "octocat" },
    };
    const unsigned = await fetch(`${run.url}/api/github/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "installation_repositories", "x-github-delivery": "1" },
      body: JSON.stringify(payload),
    });
    expect(unsigned.status).toBe(400);
    const signed = signedWebhook(fake, "installation_repositories", payload);
    const delivered = await fetch(`${run.url}/api/github/webhooks`, { method: "POST", headers: signed.headers, body: signed.body });
    expect(delivered.status).toBe(200);
    // The pass (after the debounce) reads the repository as the installation.
    await until(
      () => fake.requests.some((r) => r.operationId === "repos/get" && r.path.includes("/repos/acme/deploy")),
      "a pass of acme/deploy",
      run.output,
    );
    expect(fake.requests.some((r) => r.operationId === "apps/list-installations")).toBe(false);
  });

  it("--kubeconfig: a pass also reads the cluster's Applications, as reconcile does", async () => {
    const kube = await startFakeKube([
      { group: "argoproj.io", version: "v1alpha1", plural: "applications", kind: "Application", items: [] },
      { group: "argocd-image-updater.argoproj.io", version: "v1alpha1", plural: "imageupdaters", kind: "ImageUpdater", items: [] },
    ]);
    try {
      const run = await startRun(appEnv({ SCHEDULE: "off" }), ["--kubeconfig", kube.kubeconfig, "--namespace", "argocd"]);
      await listening(run);
      const payload = {
        action: "added",
        installation: { id: 91 },
        repositories_added: [{ full_name: "acme/deploy" }],
        sender: { login: "octocat" },
      };
      const signed = signedWebhook(fake, "installation_repositories", payload);
      expect((await fetch(`${run.url}/api/github/webhooks`, { method: "POST", headers: signed.headers, body: signed.body })).status).toBe(
        200,
      );
      await until(
        () => kube.requests.some((r) => r.path.endsWith("/namespaces/argocd/applications")),
        "the cluster's Applications listed",
        run.output,
      );
      expect(kube.unexpected()).toEqual([]);
    } finally {
      await kube.close();
    }
  });

  it("SCHEDULE reaches the app: every second here, each tick lists the installations", async () => {
    fake.resetLog();
    const run = await startRun(appEnv({ SCHEDULE: "* * * * * *" }));
    await listening(run);
    await until(() => fake.requests.filter((r) => r.operationId === "apps/list-installations").length >= 2, "two ticks", run.output);
  });
});

describe("argocd-image-pr run, refused before anything starts", () => {
  it("NODE_ENV=production without an app: exit 2 naming APP_ID and the private key, and how to get them", async () => {
    const run = await startRun({ NODE_ENV: "production" });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain(
      "error: APP_ID and PRIVATE_KEY or PRIVATE_KEY_PATH must be set to run with NODE_ENV=production (take them from",
    );
  });

  it("a bad SCHEDULE: exit 2 naming SCHEDULE and the fix", async () => {
    const run = await startRun({ SCHEDULE: "every two minutes" });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain(
      'error: SCHEDULE "every two minutes" is not a cron expression (write five fields, e.g. "*/2 * * * *" for every two minutes; "off" for webhooks only)',
    );
  });
});
