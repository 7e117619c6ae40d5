/**
 * A bare git repository driven by the git CLI: the fake GitHub's storage. Objects are written with
 * hash-object / mktree-style index plumbing / commit-tree, refs moved with update-ref (old value
 * checked), mergeability decided by merge-tree --write-tree.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface GitPerson {
  readonly name: string;
  readonly email: string;
  /** ISO 8601 */
  readonly date: string;
}

export interface GitCommitObject {
  readonly sha: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: GitPerson;
  readonly committer: GitPerson;
  readonly message: string;
}

export interface GitTreeEntry {
  readonly mode: string;
  readonly type: "blob" | "tree" | "commit";
  readonly sha: string;
  readonly size: number | undefined;
  readonly path: string;
}

export interface TreeChange {
  readonly path: string;
  readonly mode: string;
  readonly type: "blob" | "tree" | "commit";
  /** null deletes the path */
  readonly sha: string | null;
}

export interface FileStat {
  readonly filename: string;
  readonly status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  readonly additions: number;
  readonly deletions: number;
  readonly sha: string;
  readonly patch: string | undefined;
}

export class GitError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "GitError";
  }
}

interface RunResult {
  readonly stdout: Buffer;
  readonly code: number;
}

export class GitRepo {
  constructor(readonly gitDir: string) {}

  static async init(gitDir: string, defaultBranch: string): Promise<GitRepo> {
    await run(["init", "--quiet", "--bare", `--initial-branch=${defaultBranch}`, gitDir], undefined, {});
    return new GitRepo(gitDir);
  }

  async git(args: readonly string[], options: { input?: Buffer | string; env?: Record<string, string>; allowFail?: boolean } = {}): Promise<RunResult> {
    const result = await run(["--git-dir", this.gitDir, ...args], options.input, options.env ?? {});
    if (result.code !== 0 && !options.allowFail) throw new GitError(`git ${args.join(" ")} failed (${result.code}): ${result.stderr}`, result.code, result.stderr);
    return result;
  }

  async text(args: readonly string[], options: { input?: Buffer | string; env?: Record<string, string> } = {}): Promise<string> {
    return (await this.git(args, options)).stdout.toString("utf8").trim();
  }

  async writeBlob(content: Buffer | string): Promise<string> {
    return this.text(["hash-object", "-w", "--stdin"], { input: content });
  }

  async objectType(sha: string): Promise<"blob" | "tree" | "commit" | "tag" | null> {
    if (!/^[0-9a-f]{40}$/.test(sha) && !sha.includes(":")) return null;
    const result = await this.git(["cat-file", "-t", sha], { allowFail: true });
    if (result.code !== 0) return null;
    return result.stdout.toString().trim() as "blob" | "tree" | "commit" | "tag";
  }

  async readBlob(sha: string): Promise<Buffer | null> {
    if ((await this.objectType(sha)) !== "blob") return null;
    return (await this.git(["cat-file", "blob", sha])).stdout;
  }

  /** The full sha of a commit a ref, branch name or sha names, or null. */
  async resolveCommit(ref: string): Promise<string | null> {
    if (ref.startsWith("-")) return null;
    const result = await this.git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { allowFail: true });
    return result.code === 0 ? result.stdout.toString().trim() : null;
  }

  async resolveTree(ref: string): Promise<string | null> {
    if (ref.startsWith("-")) return null;
    const result = await this.git(["rev-parse", "--verify", "--quiet", `${ref}^{tree}`], { allowFail: true });
    return result.code === 0 ? result.stdout.toString().trim() : null;
  }

  async refs(prefix = "refs/"): Promise<Map<string, string>> {
    const out = await this.text(["for-each-ref", "--format=%(refname) %(objectname)", prefix]);
    const map = new Map<string, string>();
    for (const line of out.split("\n")) {
      if (!line) continue;
      const [name, sha] = line.split(" ");
      if (name && sha) map.set(name, sha);
    }
    return map;
  }

  async ref(name: string): Promise<string | null> {
    const result = await this.git(["rev-parse", "--verify", "--quiet", name], { allowFail: true });
    return result.code === 0 && (await this.refs(name)).has(name) ? result.stdout.toString().trim() : null;
  }

  /** A ref's sha, read synchronously (for the test helpers that act at once), or null. */
  refSync(name: string): string | null {
    try {
      return execFileSync("git", ["--git-dir", this.gitDir, "rev-parse", "--verify", "--quiet", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || null;
    } catch {
      return null;
    }
  }

  /** Moves a ref only if it still points at `expected` (null: must not exist). False when it moved meanwhile. */
  async updateRef(name: string, sha: string, expected: string | null): Promise<boolean> {
    const result = await this.git(["update-ref", name, sha, expected ?? "0".repeat(40)], { allowFail: true });
    return result.code === 0;
  }

  async deleteRef(name: string, expected: string): Promise<boolean> {
    const result = await this.git(["update-ref", "-d", name, expected], { allowFail: true });
    return result.code === 0;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const result = await this.git(["merge-base", "--is-ancestor", ancestor, descendant], { allowFail: true });
    return result.code === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | null> {
    const result = await this.git(["merge-base", a, b], { allowFail: true });
    return result.code === 0 ? result.stdout.toString().trim() : null;
  }

  /** The tree a three-way merge of two commits gives, or null when they conflict. */
  async mergeTree(ours: string, theirs: string): Promise<string | null> {
    const result = await this.git(["merge-tree", "--write-tree", "--no-messages", ours, theirs], { allowFail: true });
    if (result.code === 1) return null;
    if (result.code !== 0) throw new GitError(`git merge-tree failed (${result.code})`, result.code, "");
    return result.stdout.toString().split("\n")[0]?.trim() ?? null;
  }

  /** Commits in `head` not in `base`, oldest first. */
  async commitsBetween(base: string | null, head: string): Promise<string[]> {
    const out = await this.text(["rev-list", "--reverse", "--topo-order", head, ...(base ? [`^${base}`] : [])]);
    return out ? out.split("\n") : [];
  }

  async count(range: string): Promise<number> {
    return Number(await this.text(["rev-list", "--count", range]));
  }

  async readCommit(sha: string): Promise<GitCommitObject | null> {
    if ((await this.objectType(sha)) !== "commit") return null;
    const raw = (await this.git(["cat-file", "commit", sha])).stdout.toString("utf8");
    const split = raw.indexOf("\n\n");
    const header = split === -1 ? raw : raw.slice(0, split);
    const message = split === -1 ? "" : raw.slice(split + 2);
    let tree = "";
    const parents: string[] = [];
    let author: GitPerson | undefined;
    let committer: GitPerson | undefined;
    for (const line of header.split("\n")) {
      const space = line.indexOf(" ");
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      if (key === "tree") tree = value;
      else if (key === "parent") parents.push(value);
      else if (key === "author") author = parsePerson(value);
      else if (key === "committer") committer = parsePerson(value);
    }
    if (!author || !committer) throw new Error(`commit ${sha} has no author or committer`);
    return { sha, tree, parents, author, committer, message };
  }

  async commitTree(tree: string, parents: readonly string[], message: string, author: GitPerson, committer: GitPerson): Promise<string> {
    return this.text(["commit-tree", tree, ...parents.flatMap((p) => ["-p", p]), "-F", "-"], {
      input: message,
      env: {
        GIT_AUTHOR_NAME: author.name,
        GIT_AUTHOR_EMAIL: author.email,
        GIT_AUTHOR_DATE: author.date,
        GIT_COMMITTER_NAME: committer.name,
        GIT_COMMITTER_EMAIL: committer.email,
        GIT_COMMITTER_DATE: committer.date,
      },
    });
  }

  async lsTree(treeish: string, recursive: boolean): Promise<GitTreeEntry[]> {
    const out = (await this.git(["ls-tree", "-z", "-l", ...(recursive ? ["-r", "-t"] : []), treeish])).stdout.toString("utf8");
    return out
      .split("\0")
      .filter(Boolean)
      .map((record) => {
        const tab = record.indexOf("\t");
        const [mode = "", type = "", sha = "", size = "-"] = record.slice(0, tab).split(/ +/);
        return { mode, type: type as GitTreeEntry["type"], sha, size: size === "-" ? undefined : Number(size), path: record.slice(tab + 1) };
      });
  }

  /** A new tree: `base` (or empty) with the changes applied, built in a private index. */
  async buildTree(base: string | null, changes: readonly TreeChange[]): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), "fake-github-index-"));
    const env = { GIT_INDEX_FILE: join(dir, "index") };
    try {
      if (base) await this.git(["read-tree", base], { env });
      else await this.git(["read-tree", "--empty"], { env });
      for (const change of changes) {
        const path = change.path.replace(/^\/+|\/+$/g, "");
        if (change.sha === null || change.type === "tree") {
          const listed = await this.text(["ls-files", "-z", "--", path], { env });
          const paths = listed.split("\0").filter((p) => p === path || p.startsWith(`${path}/`));
          if (paths.length) await this.git(["update-index", "--force-remove", "-z", "--stdin"], { env, input: paths.map((p) => `${p}\0`).join("") });
          if (change.sha !== null) await this.git(["read-tree", `--prefix=${path}/`, change.sha], { env });
          continue;
        }
        await this.git(["update-index", "--add", "--cacheinfo", `${change.mode},${change.sha},${path}`], { env });
      }
      return await this.text(["write-tree"], { env });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Files changed from `from` (null: the empty tree) to `to`, with line counts and patches. */
  async diffFiles(from: string | null, to: string): Promise<FileStat[]> {
    const base = from ?? (await this.text(["hash-object", "-t", "tree", "-w", "--stdin"], { input: "" }));
    const numstat = await this.text(["diff-tree", "-r", "--no-renames", "-z", "--numstat", base, to]);
    const status = await this.text(["diff-tree", "-r", "--no-renames", "-z", "--raw", base, to]);
    const counts = new Map<string, [number, number]>();
    const parts = numstat.split("\0").filter(Boolean);
    for (const part of parts) {
      const [add = "0", del = "0", name = ""] = part.split("\t");
      counts.set(name, [add === "-" ? 0 : Number(add), del === "-" ? 0 : Number(del)]);
    }
    const raw = status.split("\0").filter(Boolean);
    const files: FileStat[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const meta = (raw[i] ?? "").split(" ");
      const filename = raw[i + 1] ?? "";
      const letter = (meta[4] ?? "M")[0];
      const newSha = meta[3] ?? "";
      const oldSha = meta[2] ?? "";
      const [additions, deletions] = counts.get(filename) ?? [0, 0];
      const patch = (await this.git(["diff", "--no-color", "--no-renames", base, to, "--", filename])).stdout.toString("utf8");
      const hunks = patch.indexOf("\n@@");
      files.push({
        filename,
        status: letter === "A" ? "added" : letter === "D" ? "removed" : "modified",
        additions,
        deletions,
        sha: letter === "D" ? oldSha : newSha,
        patch: hunks === -1 ? undefined : patch.slice(hunks + 1).replace(/\n$/, ""),
      });
    }
    return files;
  }

  /** Replays `commits` onto `onto` one by one (a rebase), or null when one does not apply. */
  async replay(commits: readonly string[], onto: string, committer: GitPerson): Promise<string | null> {
    let head = onto;
    for (const sha of commits) {
      const commit = await this.readCommit(sha);
      if (!commit) return null;
      const parent = commit.parents[0] ?? null;
      // The diff parent → commit applied onto head (merge-tree has no --merge-base before git 2.40).
      const tree = await this.cherryPickTree(parent, sha, head);
      if (!tree) return null;
      head = await this.commitTree(tree, [head], commit.message, commit.author, committer);
    }
    return head;
  }

  /** The tree of applying the diff parent→commit onto `onto`, with a private index and `git apply --3way`. */
  async cherryPickTree(parent: string | null, commit: string, onto: string): Promise<string | null> {
    const diff = (await this.git(["diff-tree", "-p", "--binary", "--full-index", "--no-renames", parent ?? "--root", commit])).stdout;
    const dir = mkdtempSync(join(tmpdir(), "fake-github-apply-"));
    const env = { GIT_INDEX_FILE: join(dir, "index") };
    try {
      await this.git(["read-tree", onto], { env });
      if (diff.length) {
        const applied = await this.git(["apply", "--cached", "--3way", "-"], { env, input: diff, allowFail: true });
        if (applied.code !== 0) return null;
      }
      const written = await this.git(["write-tree"], { env, allowFail: true });
      return written.code === 0 ? written.stdout.toString().trim() : null;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function parsePerson(value: string): GitPerson {
  const match = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!match) throw new Error(`unparseable git identity: ${value}`);
  return { name: match[1] ?? "", email: match[2] ?? "", date: new Date(Number(match[3]) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") };
}

function run(args: readonly string[], input: Buffer | string | undefined, env: Record<string, string>): Promise<RunResult & { stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      [...args],
      { encoding: "buffer", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_TERMINAL_PROMPT: "0", ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        if (error && code === -1) return reject(error);
        resolve({ stdout, stderr: stderr.toString("utf8"), code });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
    else child.stdin?.end();
  });
}
