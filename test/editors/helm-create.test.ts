/**
 * A helmvalues file that lacks the image's keys gets them, as image-updater's helmvalues write-back
 * sets them (helm.image-name / helm.image-tag, else image.repository / image.tag), in the file's
 * own layout; keys that exist but name another repository are refused with a message that says so.
 */
import { describe, expect, it } from "vitest";
import { EditConflictError } from "../../src/errors/index.js";
import { explainMissingImage, readImage, writeImage, type ImageLocator } from "../../src/editors/index.js";
import { DIGEST_A, locator, type LocatorOptions } from "./support.js";

const create = (image: string, helm?: LocatorOptions["helm"]): ImageLocator =>
  locator("helm", image, { createIfMissing: true, ...(helm === undefined ? {} : { helm }) });

type Case = readonly [name: string, input: string, at: ImageLocator, to: { tag: string; digest: string | null }, expected: string];

const cases: Case[] = [
  [
    "the conventional keys at the end of a block file",
    "replicaCount: 2\nservice:\n  port: 80\n",
    create("ghcr.io/acme/web"),
    { tag: "1.0.1", digest: null },
    "replicaCount: 2\nservice:\n  port: 80\nimage:\n  repository: ghcr.io/acme/web\n  tag: 1.0.1\n",
  ],
  [
    "the annotations' keys, under the existing parent, 4-space indent",
    "app:\n    replicas: 2\n    image:\n        pullPolicy: Always\nother: 1\n",
    create("ghcr.io/acme/web", { imageName: "app.image.repository", imageTag: "app.image.tag" }),
    { tag: "1.0.1", digest: null },
    "app:\n    replicas: 2\n    image:\n        pullPolicy: Always\n        repository: ghcr.io/acme/web\n        tag: 1.0.1\nother: 1\n",
  ],
  [
    "only the tag when the name key already names the image",
    "image:\n  repository: ghcr.io/acme/web\n  pullPolicy: IfNotPresent\n",
    create("ghcr.io/acme/web", { imageName: "image.repository", imageTag: "image.tag" }),
    { tag: "1.0", digest: null },
    'image:\n  repository: ghcr.io/acme/web\n  pullPolicy: IfNotPresent\n  tag: "1.0"\n',
  ],
  [
    "a digest with the tag (no digest key to put it in)",
    "{}\n",
    create("nginx", { imageTag: "web.tag" }),
    { tag: "1.27.4", digest: DIGEST_A },
    `{web: {tag: 1.27.4@${DIGEST_A}}}\n`,
  ],
  [
    "helm.image-spec: one image string",
    "# values\nworker:\n  replicas: 1\n",
    create("ghcr.io/acme/worker", { imageSpec: "worker.image" }),
    { tag: "2.0.0", digest: null },
    "# values\nworker:\n  replicas: 1\n  image: ghcr.io/acme/worker:2.0.0\n",
  ],
  [
    "an empty values file",
    "",
    create("docker.io/bitnami/nginx"),
    { tag: "1.27.3-debian-12-r9", digest: null },
    "image:\n  repository: bitnami/nginx\n  tag: 1.27.3-debian-12-r9\n",
  ],
];

describe("a values file without the image's keys", () => {
  it.each(cases)("%s", (_name, input, at, to, expected) => {
    const output = writeImage(input, "values.yaml", at, to);
    expect(output).toBe(expected);
    expect(readImage(output, "values.yaml", at)).toMatchObject({ tag: to.tag, digest: to.digest });
    expect(writeImage(output, "values.yaml", at, to)).toBe(output);
  });

  it("is left alone when the editor is not asked to create (a repo-config file)", () => {
    expect(() =>
      writeImage("replicaCount: 2\n", "values.yaml", locator("helm", "ghcr.io/acme/web"), { tag: "1.0.1", digest: null }),
    ).toThrow(EditConflictError);
  });
});

describe("keys that exist but name another repository", () => {
  const values = "image:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: 1.25.0\n";
  it.each([
    ["the annotations' keys", create("ghcr.io/acme/web", { imageName: "image.repository", imageTag: "image.tag" })],
    ["the conventional keys", create("ghcr.io/acme/web")],
  ])('%s: says which repository they name, not "set helm.image-name"', (_name, at) => {
    const to = { tag: "1.0.1", digest: null };
    expect(() => writeImage(values, "values.yaml", at, to)).toThrow(EditConflictError);
    expect(() => writeImage(values, "values.yaml", at, to)).toThrow(
      "values.yaml sets image.repository to docker.io/bitnami/nginx (line 3), another repository than ghcr.io/acme/web (if the chart takes ghcr.io/acme/web from other keys, point helm.image-name / helm.image-tag (or helm.image-spec) at them; if docker.io/bitnami/nginx is the image to update, make it the target's image)",
    );
  });

  it("explains it when the file is only read", () => {
    expect(
      explainMissingImage(values, "values.yaml", locator("helm", "ghcr.io/acme/web", { helm: { imageName: "image.repository" } }))?.message,
    ).toBe("values.yaml sets image.repository to docker.io/bitnami/nginx (line 3), another repository than ghcr.io/acme/web");
  });
});
