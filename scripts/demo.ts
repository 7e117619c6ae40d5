/**
 * `npm run demo`: the whole job except GitHub, offline. Starts a real registry on 127.0.0.1,
 * seeds it with the example's tags, runs `argocd-image-pr plan` over examples/gitops, then shows
 * the diff `--write` makes and that a second `--write` changes nothing.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkoutExample, seedExampleRegistry } from "../test/support/example-gitops.js";
import { startRegistry } from "../test/support/registry.js";

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

function heading(text: string): void {
  const bold = process.stdout.isTTY === true;
  process.stdout.write(`\n${bold ? "\u001b[1m" : ""}== ${text}${bold ? "\u001b[0m" : ""}\n`);
}

/** Run the CLI as a user would (a separate process); its output goes straight to ours. */
function cli(args: readonly string[], quiet = false): number {
  const run = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], {
    stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"],
  });
  return run.status ?? 1;
}

async function main(): Promise<number> {
  heading("starting a local registry (Debian's docker-registry) on 127.0.0.1 and seeding it");
  const registry = await startRegistry();
  try {
    await seedExampleRegistry(registry.host);
    const example = checkoutExample(registry.host);
    process.stdout.write(`registry: http://${registry.host}\nrepo:     ${example.dir}\n`);
    try {
      const args = ["plan", "--repo", example.dir, "--apps", `${example.dir}/apps`, "--registries", example.registriesFile];
      heading(`argocd-image-pr ${args.join(" ")}`);
      const planned = cli(args);

      heading("argocd-image-pr plan … --write; git diff");
      cli([...args, "--write"], true);
      const diff = example.git("diff");
      process.stdout.write(diff);

      heading("a second --write");
      cli([...args, "--write"], true);
      const same = example.git("diff") === diff;
      process.stdout.write(same ? "no further change: the edits are idempotent\n" : "UNEXPECTED: the second --write changed files\n");
      return same ? planned : 1;
    } finally {
      rmSync(example.dir, { recursive: true, force: true });
      rmSync(example.registriesFile, { force: true });
    }
  } finally {
    await registry.stop();
  }
}

process.exitCode = await main();
