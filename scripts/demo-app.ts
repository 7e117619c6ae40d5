/**
 * `npm run demo:app`: the GitHub App's job, offline. A real registry on 127.0.0.1 seeded with the
 * example's tags, a fake GitHub (test/support/fake-github) holding examples/gitops as
 * example-org/gitops, then `argocd-image-pr reconcile` as a cron job runs it: a dry run, the real
 * pass, the PR it opened with its body and diff, and a second pass that writes nothing.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { EXAMPLE_DIR, exampleRegistriesConf, seedExampleRegistry } from "../test/support/example-gitops.js";
import { startFakeGitHub } from "../test/support/fake-github/index.js";
import { startRegistry } from "../test/support/registry.js";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const INSTALLATION = 7;

function heading(text: string): void {
  const bold = process.stdout.isTTY === true;
  process.stdout.write(`\n${bold ? "\u001b[1m" : ""}== ${text}${bold ? "\u001b[0m" : ""}\n`);
}

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir, { recursive: true }) as string[]) {
    const full = join(dir, name);
    if (statSync(full).isFile()) out[relative(dir, full).split("\\").join("/")] = readFileSync(full, "utf8");
  }
  return out;
}

/** The CLI as a user runs it, in its own process (asynchronously: the fake GitHub answers from this one). */
function cli(args: readonly string[], env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
  });
  return new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1)));
}

async function main(): Promise<number> {
  heading("a local registry on 127.0.0.1 with the example's tags, and a fake GitHub holding examples/gitops");
  const [registry, github] = await Promise.all([startRegistry(), startFakeGitHub()]);
  const scratch = mkdtempSync(join(tmpdir(), "argocd-image-pr-demo-app-"));
  try {
    await seedExampleRegistry(registry.host);
    const files = filesOf(EXAMPLE_DIR);
    // The app-of-apps layout: the repo config names the Application manifests kept in the repository.
    files[".github/argocd-image-pr.yml"] = `${files[".github/argocd-image-pr.yml"] ?? "version: 1\n"}applications: [apps]\n`;
    const repo = await github.createRepo("example-org/gitops", { files, installationId: INSTALLATION });
    const registries = join(scratch, "registries.conf");
    writeFileSync(registries, exampleRegistriesConf(registry.host));
    const env = { GITHUB_API_URL: github.url, GITHUB_TOKEN: github.installationToken(INSTALLATION) };
    process.stdout.write(`registry: http://${registry.host}\nGitHub:   ${github.url} (example-org/gitops)\n`);

    const args = ["reconcile", "--repo", "example-org/gitops", "--registries", registries];
    heading(`argocd-image-pr ${args.join(" ")} --dry-run`);
    await cli([...args, "--dry-run"], env);
    heading(`argocd-image-pr ${args.join(" ")}`);
    const code = await cli(args, env);

    const pulls = repo.pulls();
    heading(`${pulls.length} pull requests opened`);
    for (const pull of pulls)
      process.stdout.write(`#${pull.number}  ${pull.title}  (${pull.head} → ${pull.base}; labels: ${pull.labels.join(", ")})\n`);
    const first = pulls.find((pull) => pull.head === "argocd-image-pr/argocdupdate") ?? pulls[0];
    if (first !== undefined) {
      heading(`the body of #${first.number} as GitHub renders it from markdown`);
      process.stdout.write(`${first.body ?? ""}\n`);
      heading(`git diff main...${first.head}`);
      process.stdout.write(spawnSync("git", ["--git-dir", repo.gitDir, "diff", `main...${first.head}`], { encoding: "utf8" }).stdout);
    }
    heading("a second pass: nothing new, so no write");
    const before = github.writes().length;
    await cli(args, env);
    const again = github.writes().length - before;
    process.stdout.write(again === 0 ? "0 write calls: the pass is idempotent\n" : `UNEXPECTED: ${again} write calls\n`);
    return again === 0 ? code : 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await Promise.all([registry.stop(), github.close()]);
  }
}

process.exitCode = await main();
