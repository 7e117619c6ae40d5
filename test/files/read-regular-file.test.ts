/**
 * Files that never end, never open or never stop: each is refused by name within the test's own
 * timeout, and a missing file is null.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors/index.js";
import { MAX_FILE_BYTES, readRegularFile, readRegularTextFile } from "../../src/files/index.js";

let dir: string;
let server: Server | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "argocd-image-pr-files-"));
});

afterEach(async () => {
  if (server !== null) await new Promise((resolve) => server?.close(resolve));
  server = null;
  rmSync(dir, { recursive: true, force: true });
});

describe("readRegularFile", () => {
  it("reads a regular file, through a symlink too, and a missing one is null", async () => {
    writeFileSync(join(dir, "values.yaml"), "image:\n  tag: 1.0.0\n");
    symlinkSync("values.yaml", join(dir, "link.yaml"));

    expect(await readRegularTextFile(join(dir, "values.yaml"))).toBe("image:\n  tag: 1.0.0\n");
    expect(await readRegularTextFile(join(dir, "link.yaml"))).toBe("image:\n  tag: 1.0.0\n");
    expect(await readRegularFile(join(dir, "missing.yaml"))).toBeNull();
    expect(await readRegularFile(join(dir, "values.yaml", "below"))).toBeNull();
  });

  it.each([
    ["a FIFO", "values.yaml", /"values\.yaml" is a named pipe \(FIFO\), not a regular file/],
    ["a symlink to a FIFO", "link.yaml", /"link\.yaml" is a named pipe \(FIFO\), not a regular file/],
  ])(
    "refuses %s without waiting for a writer",
    async (_name, file, message) => {
      execFileSync("mkfifo", [join(dir, "values.yaml")]);
      symlinkSync("values.yaml", join(dir, "link.yaml"));

      await expect(readRegularFile(join(dir, file), { name: file })).rejects.toThrow(message);
    },
    5_000,
  );

  it("refuses a character device that would never end", async () => {
    await expect(readRegularFile("/dev/zero")).rejects.toThrow(
      /"\/dev\/zero" is a character device, not a regular file \(only regular files are read/,
    );
  }, 5_000);

  it("refuses a socket, naming it", async () => {
    const socket = join(dir, "kustomization.yaml");
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(socket, resolve));

    await expect(readRegularFile(socket, { name: "kustomization.yaml" })).rejects.toThrow(
      /cannot read "kustomization\.yaml": it is a socket/,
    );
  }, 5_000);

  it("refuses a directory with the caller's hint", async () => {
    await expect(readRegularFile(dir, { name: "apps", directoryHint: "name a file" })).rejects.toThrow(
      /"apps" is a directory, not a file \(name a file\)/,
    );
  });

  it("refuses a file over the size limit without reading it, and says the limit", async () => {
    const big = join(dir, "values.yaml");
    writeFileSync(big, "");
    truncateSync(big, 50 * 1024 * 1024); // sparse: 50 MiB of nothing, instantly

    const error = await readRegularFile(big, { name: "values.yaml" }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain(
      `"values.yaml" is 50 MiB, over the ${MAX_FILE_BYTES / 1024 / 1024}.0 MiB limit on files argocd-image-pr reads; it was not read`,
    );
    truncateSync(big, 3 * 1024 * 1024);
    await expect(readRegularFile(big, { maxBytes: 4 * 1024 * 1024 })).resolves.toHaveLength(3 * 1024 * 1024);
  });

  it.each([
    [
      "a symlink loop",
      (): string => {
        symlinkSync("b.yaml", join(dir, "a.yaml"));
        symlinkSync("a.yaml", join(dir, "b.yaml"));
        return join(dir, "a.yaml");
      },
      /cannot read ".*a\.yaml": it is a symbolic link that loops/,
    ],
    ["a NUL in the path", (): string => join(dir, "a\u0000b.yaml"), /the path contains a NUL character/],
    ["a name too long", (): string => join(dir, "x".repeat(100_000)), /the path is too long for the file system/],
  ])("says what is wrong with %s, never a raw Node error", async (_name, make, message) => {
    const error = await readRegularFile(make()).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toMatch(message);
    expect(String(error)).not.toMatch(/ELOOP:|ENAMETOOLONG:|must be of type string|without null bytes/);
    expect(String(error).length).toBeLessThan(600);
  });
});
