/** Exact rewrites, format by format: inline YAML in, exact YAML out. */
import { describe, expect, it } from "vitest";
import { EditConflictError } from "../../src/errors/index.js";
import {
  argocdSourceFileName,
  editors,
  kustomizationFileName,
  readImage,
  writeImage,
  type ImageLocator,
  type ImageVersion,
} from "../../src/editors/index.js";
import { isPlainSafe } from "../../src/editors/yaml-text.js";
import { DIGEST_A, DIGEST_B, locator } from "./support.js";

type Case = readonly [name: string, input: string, at: ImageLocator, to: ImageVersion, expected: string];

function check([, input, at, to, expected]: Case): void {
  expect(writeImage(input, "file.yaml", at, to)).toEqual(expected);
}

const tag = (value: string): ImageVersion => ({ tag: value, digest: null });

describe("kustomize", () => {
  const cases: Case[] = [
    [
      "matches by newName when name differs (the seed trap), comment kept",
      `images:\n  - name: app # base image\n    newName: asia.gcr.io/proj/app\n    newTag: v1.0.0 # pinned\n`,
      locator("kustomize", "asia.gcr.io/proj/app"),
      tag("v1.1.0"),
      `images:\n  - name: app # base image\n    newName: asia.gcr.io/proj/app\n    newTag: v1.1.0 # pinned\n`,
    ],
    [
      "numeric-looking tag gets double quotes in a plain slot",
      `images:\n- name: nginx\n  newTag: stable\n`,
      locator("kustomize", "nginx"),
      tag("1.27"),
      `images:\n- name: nginx\n  newTag: "1.27"\n`,
    ],
    [
      "a plain number already in the file is read as written (1.10, not 1.1) and quoted when rewritten",
      `images:\n- name: nginx\n  newTag: 1.10\n`,
      locator("kustomize", "nginx"),
      tag("1.11"),
      `images:\n- name: nginx\n  newTag: "1.11"\n`,
    ],
    [
      "a plain newTag: 0X1F is rewritten quoted even when asked for 0X1F",
      `images:\n- name: nginx\n  newTag: 0X1F\n`,
      locator("kustomize", "nginx"),
      tag("0X1F"),
      `images:\n- name: nginx\n  newTag: "0X1F"\n`,
    ],
    [
      "single quotes are kept",
      `images:\n- name: nginx\n  newTag: '1.26'\n`,
      locator("kustomize", "nginx"),
      tag("1.27"),
      `images:\n- name: nginx\n  newTag: '1.27'\n`,
    ],
    [
      "name matches and newName is the same repository spelled out",
      `images:\n- name: nginx\n  newName: docker.io/library/nginx\n  newTag: "1.25"\n`,
      locator("kustomize", "nginx"),
      tag("1.27"),
      `images:\n- name: nginx\n  newName: docker.io/library/nginx\n  newTag: "1.27"\n`,
    ],
    [
      "kustomize.image-name still picks an entry whose newName differs from its name",
      `images:\n- name: nginx\n  newName: ghcr.io/acme/nginx-custom\n  newTag: "2.0"\n`,
      locator("kustomize", "ghcr.io/acme/nginx-custom", { kustomizeImageName: "nginx" }),
      tag("2.1"),
      `images:\n- name: nginx\n  newName: ghcr.io/acme/nginx-custom\n  newTag: "2.1"\n`,
    ],
    [
      "adds newTag in the entry's own indentation",
      `images:\n    -   name: traefik\n        newName: docker.io/library/traefik # mirror\nother: 1\n`,
      locator("kustomize", "traefik"),
      tag("v3.0.4"),
      `images:\n    -   name: traefik\n        newName: docker.io/library/traefik # mirror\n        newTag: v3.0.4\nother: 1\n`,
    ],
    [
      "writes newTag + digest (image-updater's digest strategy shape)",
      `images:\n- name: redis\n  newTag: "7.2"\n`,
      locator("kustomize", "redis"),
      { tag: "7.4", digest: DIGEST_A },
      `images:\n- name: redis\n  newTag: "7.4"\n  digest: ${DIGEST_A}\n`,
    ],
    [
      "drops a stale digest line when the new version has none",
      `images:\r\n- name: redis\r\n  digest: ${DIGEST_A} # old pin\r\n  newTag: "7.2"\r\n`,
      locator("kustomize", "redis"),
      tag("7.4"),
      `images:\r\n- name: redis\r\n  newTag: "7.4"\r\n`,
    ],
    [
      "flow mapping entry gets the key inline",
      `images: [{name: busybox, newName: mirror.io/busybox}]\n`,
      locator("kustomize", "mirror.io/busybox"),
      tag("1.36"),
      `images: [{name: busybox, newName: mirror.io/busybox, newTag: "1.36"}]\n`,
    ],
    [
      "appends an entry to a block list, never a second one for a matched image",
      `images:\n  - name: other\n    newTag: v1 # x\n`,
      locator("kustomize", "nginx", { createIfMissing: true }),
      tag("1.27.1"),
      `images:\n  - name: other\n    newTag: v1 # x\n  - name: nginx\n    newTag: 1.27.1\n`,
    ],
    [
      "appends an entry to a flow list",
      `images: [{name: other, newTag: v1}]\n`,
      locator("kustomize", "nginx", { createIfMissing: true }),
      tag("1.27.1"),
      `images: [{name: other, newTag: v1}, {name: nginx, newTag: 1.27.1}]\n`,
    ],
    [
      "adds images: in the file's sequence indentation, kustomize.image-name as name",
      `resources:\n  - deployment.yaml\n`,
      locator("kustomize", "ghcr.io/acme/app", { createIfMissing: true, kustomizeImageName: "app" }),
      tag("2.0.0"),
      `resources:\n  - deployment.yaml\nimages:\n  - name: app\n    newName: ghcr.io/acme/app\n    newTag: 2.0.0\n`,
    ],
    [
      "adds images: without a trailing newline when the file has none",
      `resources:\r\n- a.yaml`,
      locator("kustomize", "nginx", { createIfMissing: true }),
      tag("1.27.1"),
      `resources:\r\n- a.yaml\r\nimages:\r\n- name: nginx\r\n  newTag: 1.27.1`,
    ],
    [
      "an empty images: (only a commented-out entry below) is an empty list",
      `resources:\n  - a.yaml\nimages: # pinned here\n# - name: foo\n`,
      locator("kustomize", "nginx", { createIfMissing: true }),
      tag("1.27.1"),
      `resources:\n  - a.yaml\nimages: # pinned here\n  - name: nginx\n    newTag: 1.27.1\n# - name: foo\n`,
    ],
    [
      "a trailing --- (an empty last document) does not block adding images:",
      `resources:\n- a.yaml\n---\n`,
      locator("kustomize", "nginx", { createIfMissing: true }),
      tag("1.27.1"),
      `resources:\n- a.yaml\nimages:\n- name: nginx\n  newTag: 1.27.1\n---\n`,
    ],
    [
      "images: goes before a trailing ... end marker",
      `resources:\r\n- a.yaml\r\n...\r\n`,
      locator("kustomize", "nginx", { createIfMissing: true }),
      tag("1.27.1"),
      `resources:\r\n- a.yaml\r\nimages:\r\n- name: nginx\r\n  newTag: 1.27.1\r\n...\r\n`,
    ],
    [
      "updates the entry matched by kustomize.image-name",
      `images:\n- name: web\n  newName: registry.local/web\n  newTag: a1\n`,
      locator("kustomize", "ghcr.io/acme/web", { kustomizeImageName: "web" }),
      tag("b2"),
      `images:\n- name: web\n  newName: registry.local/web\n  newTag: b2\n`,
    ],
    [
      "kustomize.image-name picks its entry when another entry shares the newName (same version)",
      `images:\n- name: api\n  newName: ghcr.io/acme/app\n  newTag: 1.0.0\n- name: worker\n  newName: ghcr.io/acme/app\n  newTag: 1.0.0\n`,
      locator("kustomize", "ghcr.io/acme/app", { kustomizeImageName: "api" }),
      tag("1.0.1"),
      `images:\n- name: api\n  newName: ghcr.io/acme/app\n  newTag: 1.0.1\n- name: worker\n  newName: ghcr.io/acme/app\n  newTag: 1.0.0\n`,
    ],
    [
      "kustomize.image-name picks its entry when another entry shares the newName (other version)",
      `images:\n- name: api\n  newName: ghcr.io/acme/app\n  newTag: 1.0.0\n- name: worker\n  newName: ghcr.io/acme/app\n  newTag: 2.0.0\n`,
      locator("kustomize", "ghcr.io/acme/app", { kustomizeImageName: "worker" }),
      tag("2.0.1"),
      `images:\n- name: api\n  newName: ghcr.io/acme/app\n  newTag: 1.0.0\n- name: worker\n  newName: ghcr.io/acme/app\n  newTag: 2.0.1\n`,
    ],
    [
      "fills an empty newTag that carries a comment, keeping the comment a comment",
      `images:\n- name: nginx\n  newTag: # set by CI\n`,
      locator("kustomize", "nginx"),
      tag("1.27.1"),
      `images:\n- name: nginx\n  newTag: 1.27.1 # set by CI\n`,
    ],
    [
      "a digest-only entry moving to a tag: the digest pair becomes newTag in place",
      `images:\n- name: redis\n  digest: ${DIGEST_A} # pinned\n`,
      locator("kustomize", "redis"),
      tag("7.4"),
      `images:\n- name: redis\n  newTag: "7.4" # pinned\n`,
    ],
    [
      "a digest-only flow entry moving to a tag",
      `images: [{name: redis, digest: ${DIGEST_A}}]\n`,
      locator("kustomize", "redis"),
      tag("7.4.1"),
      `images: [{name: redis, newTag: 7.4.1}]\n`,
    ],
    [
      "drops a digest that opens its entry (kustomize edit set image sorts digest first)",
      `images:\n- digest: ${DIGEST_A}\n  name: redis # cache\n  newTag: "7.2"\n- name: other\n`,
      locator("kustomize", "redis"),
      tag("7.4"),
      `images:\n- name: redis # cache\n  newTag: "7.4"\n- name: other\n`,
    ],
    [
      "drops a digest that opens an indented CRLF entry",
      `images:\r\n  -   digest: ${DIGEST_A}\r\n      name: redis\r\n      newTag: "7.2"\r\n`,
      locator("kustomize", "redis"),
      tag("7.4"),
      `images:\r\n  -   name: redis\r\n      newTag: "7.4"\r\n`,
    ],
    [
      "drops a digest at the end of a flow entry",
      `images: [{name: redis, newTag: "7.2", digest: ${DIGEST_A}}]\n`,
      locator("kustomize", "redis"),
      tag("7.4"),
      `images: [{name: redis, newTag: "7.4"}]\n`,
    ],
    [
      "drops a digest at the start of a flow entry",
      `images: [{digest: ${DIGEST_A}, name: redis, newTag: "7.2"}]\n`,
      locator("kustomize", "redis"),
      tag("7.4"),
      `images: [{name: redis, newTag: "7.4"}]\n`,
    ],
  ];
  it.each(cases)("%s", (...each) => check(each));
});

describe("helm", () => {
  const cases: Case[] = [
    [
      "repository + tag by dotted path",
      `app:\n  image:\n    repository: ghcr.io/acme/app\n    tag: "1.2.3" # app version\n`,
      locator("helm", "ghcr.io/acme/app", { helm: { imageName: "app.image.repository", imageTag: "app.image.tag" } }),
      tag("1.2.4"),
      `app:\n  image:\n    repository: ghcr.io/acme/app\n    tag: "1.2.4" # app version\n`,
    ],
    [
      "list indexes in the path",
      `images:\n  - repository: a/one\n    tag: v1\n  - repository: a/two\n    tag: v1\n`,
      locator("helm", "a/two", { helm: { imageName: "images[1].repository", imageTag: "images[1].tag" } }),
      tag("v2"),
      `images:\n  - repository: a/one\n    tag: v1\n  - repository: a/two\n    tag: v2\n`,
    ],
    [
      "image-spec string keeps the name as written",
      `image: nginx:1.26 # web\n`,
      locator("helm", "docker.io/library/nginx", { helm: { imageSpec: "image" } }),
      tag("1.27.0"),
      `image: nginx:1.27.0 # web\n`,
    ],
    [
      "'10' keeps its single quotes",
      `image:\n  repository: postgres\n  tag: '10'\n`,
      locator("helm", "postgres"),
      tag("11"),
      `image:\n  repository: postgres\n  tag: '11'\n`,
    ],
    [
      "a plain tag that YAML would read as a number is double-quoted",
      `image:\n  repository: postgres\n  tag: latest\n`,
      locator("helm", "postgres"),
      tag("16.3"),
      `image:\n  repository: postgres\n  tag: "16.3"\n`,
    ],
    [
      "a plain tag that YAML 1.1 would read as a bool is double-quoted",
      `image:\n  repository: ghcr.io/x/y\n  tag: v1\n`,
      locator("helm", "ghcr.io/x/y"),
      tag("on"),
      `image:\n  repository: ghcr.io/x/y\n  tag: "on"\n`,
    ],
    ...["0X1F", "0B1", "0O17", "0b1", "0o17", "1_000", "1.", "1e3", "6E2"].map((value): Case => [
      `${value} is a number to Go's YAML (Helm, kustomize) and is double-quoted`,
      `image:\n  repository: ghcr.io/x/y\n  tag: v1\n`,
      locator("helm", "ghcr.io/x/y"),
      tag(value),
      `image:\n  repository: ghcr.io/x/y\n  tag: "${value}"\n`,
    ]),
    [
      "a plain 1.20 renders 1.2 in Helm: writing 1.20 quotes it",
      `image:\n  repository: nginx\n  tag: 1.20 # pinned\n`,
      locator("helm", "nginx"),
      tag("1.20"),
      `image:\n  repository: nginx\n  tag: "1.20" # pinned\n`,
    ],
    [
      "a plain true is not the tag true",
      `image:\n  repository: nginx\n  tag: true\n  digest: ""\n`,
      locator("helm", "nginx"),
      tag("true"),
      `image:\n  repository: nginx\n  tag: "true"\n  digest: ""\n`,
    ],
    [
      "bitnami digest key is written and the tag kept",
      `image:\n  registry: docker.io\n  repository: bitnami/redis\n  tag: 7.2.5\n  digest: ""\n`,
      locator("helm", "bitnami/redis"),
      { tag: "7.2.6", digest: DIGEST_A },
      `image:\n  registry: docker.io\n  repository: bitnami/redis\n  tag: 7.2.6\n  digest: "${DIGEST_A}"\n`,
    ],
    [
      "a digest no longer wanted is emptied",
      `image:\n  repository: bitnami/redis\n  tag: 7.2.5\n  digest: ${DIGEST_A}\n`,
      locator("helm", "bitnami/redis"),
      tag("7.2.6"),
      `image:\n  repository: bitnami/redis\n  tag: 7.2.6\n  digest: ""\n`,
    ],
    [
      "an empty tag: gets a value",
      `image:\n  repository: ghcr.io/x/y\n  tag:\n  pullPolicy: Always\n`,
      locator("helm", "ghcr.io/x/y"),
      tag("1.0.0"),
      `image:\n  repository: ghcr.io/x/y\n  tag: 1.0.0\n  pullPolicy: Always\n`,
    ],
    [
      "an aliased tag is edited once, at its anchor",
      `v: &v 1.0.0\na:\n  image:\n    repository: x/a\n    tag: *v\nb:\n  image:\n    repository: x/a\n    tag: *v\n`,
      locator("helm", "x/a"),
      tag("1.1.0"),
      `v: &v 1.1.0\na:\n  image:\n    repository: x/a\n    tag: *v\nb:\n  image:\n    repository: x/a\n    tag: *v\n`,
    ],
    [
      "a value reached through a merge key is edited at its source",
      `base: &base\n  repository: x/a\n  tag: "1.0"\napp:\n  image:\n    <<: *base\n    pullPolicy: Always\n`,
      locator("helm", "x/a", { helm: { imageName: "app.image.repository", imageTag: "app.image.tag" } }),
      tag("1.1"),
      `base: &base\n  repository: x/a\n  tag: "1.1"\napp:\n  image:\n    <<: *base\n    pullPolicy: Always\n`,
    ],
    [
      "tag@digest when the chart has no digest key",
      `image:\n  repository: ghcr.io/x/y\n  tag: 1.0.0\n`,
      locator("helm", "ghcr.io/x/y"),
      { tag: null, digest: DIGEST_B },
      `image:\n  repository: ghcr.io/x/y\n  tag: 1.0.0@${DIGEST_B}\n`,
    ],
    [
      "a map with a registry is matched by registry + repository, not the repository alone",
      `mirror:\n  registry: registry.corp:5000\n  repository: library/nginx\n  tag: "1.25"\nimage:\n  registry: docker.io\n  repository: library/nginx\n  tag: "1.25"\n`,
      locator("helm", "nginx"),
      tag("1.27"),
      `mirror:\n  registry: registry.corp:5000\n  repository: library/nginx\n  tag: "1.25"\nimage:\n  registry: docker.io\n  repository: library/nginx\n  tag: "1.27"\n`,
    ],
    [
      "registry-1.docker.io is Docker Hub",
      `image:\n  registry: registry-1.docker.io\n  repository: bitnami/nginx\n  tag: 1.25.0\n`,
      locator("helm", "bitnami/nginx"),
      tag("1.27.0"),
      `image:\n  registry: registry-1.docker.io\n  repository: bitnami/nginx\n  tag: 1.27.0\n`,
    ],
    [
      "global.imageRegistry overrides image.registry (bitnami)",
      `global:\n  imageRegistry: registry.corp\nimage:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: 1.25.0\n`,
      locator("helm", "registry.corp/bitnami/nginx"),
      tag("1.27.0"),
      `global:\n  imageRegistry: registry.corp\nimage:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: 1.27.0\n`,
    ],
    [
      "global.imageRegistry is honoured on explicit paths too",
      `global:\n  imageRegistry: registry.corp\nimage:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: 1.25.0\n`,
      locator("helm", "registry.corp/bitnami/nginx", { helm: { imageName: "image.repository", imageTag: "image.tag" } }),
      tag("1.27.0"),
      `global:\n  imageRegistry: registry.corp\nimage:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: 1.27.0\n`,
    ],
  ];
  it.each(cases)("%s", (...each) => check(each));
});

describe("manifest", () => {
  const cases: Case[] = [
    [
      "every matching container, init container and CronJob nesting",
      `kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers:\n            - image: ghcr.io/a/b:1.0 # init\n          containers:\n            - image: "ghcr.io/a/b:1.0"\n            - image: ghcr.io/a/other:1.0\n`,
      locator("manifest", "ghcr.io/a/b"),
      tag("1.1"),
      `kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers:\n            - image: ghcr.io/a/b:1.1 # init\n          containers:\n            - image: "ghcr.io/a/b:1.1"\n            - image: ghcr.io/a/other:1.0\n`,
    ],
    [
      "multi-document, CRLF and BOM",
      `\uFEFFkind: Service\r\n---\r\nkind: Pod\r\nspec:\r\n  containers:\r\n  - image: nginx:1.26\r\n`,
      locator("manifest", "docker.io/library/nginx"),
      tag("1.27"),
      `\uFEFFkind: Service\r\n---\r\nkind: Pod\r\nspec:\r\n  containers:\r\n  - image: nginx:1.27\r\n`,
    ],
    [
      "containers: *list and - *container read the anchored value and edit it once",
      `x: &c\n  - &web\n    name: a\n    image: nginx:1.25\nspec:\n  containers: *c\n  initContainers:\n  - *web\n`,
      locator("manifest", "nginx"),
      tag("1.27"),
      `x: &c\n  - &web\n    name: a\n    image: nginx:1.27\nspec:\n  containers: *c\n  initContainers:\n  - *web\n`,
    ],
    [
      "digest pinned, then dropped",
      `spec:\n  containers:\n  - image: nginx:1.26@${DIGEST_A}\n`,
      locator("manifest", "nginx"),
      tag("1.27"),
      `spec:\n  containers:\n  - image: nginx:1.27\n`,
    ],
    [
      "registry with a port",
      `spec:\n  containers:\n  - image: localhost:5000/app:1\n`,
      locator("manifest", "localhost:5000/app"),
      { tag: "2", digest: DIGEST_B },
      `spec:\n  containers:\n  - image: localhost:5000/app:2@${DIGEST_B}\n`,
    ],
  ];
  it.each(cases)("%s", (...each) => check(each));
});

describe("application and .argocd-source", () => {
  const cases: Case[] = [
    [
      "kustomize.images with an alias keeps name=",
      `kind: Application\nmetadata:\n  name: shop\nspec:\n  source:\n    kustomize:\n      images:\n      - app=asia.gcr.io/proj/app:v1\n`,
      locator("application", "asia.gcr.io/proj/app", { appName: "shop" }),
      tag("v2"),
      `kind: Application\nmetadata:\n  name: shop\nspec:\n  source:\n    kustomize:\n      images:\n      - app=asia.gcr.io/proj/app:v2\n`,
    ],
    [
      "kustomize.images: kustomize.image-name picks its override when another shares the image",
      `kind: Application\nmetadata:\n  name: shop\nspec:\n  source:\n    kustomize:\n      images:\n      - api=ghcr.io/acme/app:v1\n      - worker=ghcr.io/acme/app:v1\n`,
      locator("application", "ghcr.io/acme/app", { appName: "shop", kustomizeImageName: "api" }),
      tag("v2"),
      `kind: Application\nmetadata:\n  name: shop\nspec:\n  source:\n    kustomize:\n      images:\n      - api=ghcr.io/acme/app:v2\n      - worker=ghcr.io/acme/app:v1\n`,
    ],
    [
      "helm.parameters value, quotes kept",
      `kind: Application\nmetadata: {name: web}\nspec:\n  sources:\n  - helm:\n      parameters:\n      - name: image.repository\n        value: nginx\n      - name: image.tag\n        value: "1.26"\n`,
      locator("application", "nginx", { appName: "web" }),
      tag("1.27"),
      `kind: Application\nmetadata: {name: web}\nspec:\n  sources:\n  - helm:\n      parameters:\n      - name: image.repository\n        value: nginx\n      - name: image.tag\n        value: "1.27"\n`,
    ],
    [
      "helm.parameters: <prefix>.registry joins <prefix>.repository",
      `kind: Application\nmetadata: {name: web}\nspec:\n  source:\n    helm:\n      parameters:\n      - name: image.registry\n        value: ghcr.io\n      - name: image.repository\n        value: acme/app\n      - name: image.tag\n        value: v1\n`,
      locator("application", "ghcr.io/acme/app", { appName: "web" }),
      tag("v2"),
      `kind: Application\nmetadata: {name: web}\nspec:\n  source:\n    helm:\n      parameters:\n      - name: image.registry\n        value: ghcr.io\n      - name: image.repository\n        value: acme/app\n      - name: image.tag\n        value: v2\n`,
    ],
    [
      "creates .argocd-source for kustomize with image-updater's layout",
      ``,
      locator("argocd-source", "ghcr.io/acme/app", { createIfMissing: true, kustomizeImageName: "app" }),
      tag("1.0.1"),
      `kustomize:\n  images:\n  - app=ghcr.io/acme/app:1.0.1\n`,
    ],
    [
      "creates .argocd-source for helm with forcestring parameters",
      ``,
      locator("argocd-source", "ghcr.io/acme/app", { createIfMissing: true, helm: {} }),
      tag("1.10"),
      `helm:\n  parameters:\n  - name: image.name\n    value: ghcr.io/acme/app\n    forcestring: true\n  - name: image.tag\n    value: "1.10"\n    forcestring: true\n`,
    ],
    [
      "adds only image.tag when image.name already names the image",
      `helm:\n  parameters:\n  - name: image.name\n    value: ghcr.io/acme/app\n    forcestring: true\n`,
      locator("argocd-source", "ghcr.io/acme/app", { createIfMissing: true, helm: {} }),
      tag("1.0.1"),
      `helm:\n  parameters:\n  - name: image.name\n    value: ghcr.io/acme/app\n    forcestring: true\n  - name: image.tag\n    value: 1.0.1\n    forcestring: true\n`,
    ],
    [
      "appends to an existing kustomize.images list",
      `kustomize:\n  images:\n  - other:1\n`,
      locator("argocd-source", "nginx", { createIfMissing: true }),
      tag("1.27.1"),
      `kustomize:\n  images:\n  - other:1\n  - nginx:1.27.1\n`,
    ],
  ];
  it.each(cases)("%s", (...each) => check(each));
});

describe("refusals", () => {
  const kustomization = `images:\n- name: nginx\n  newTag: "1.26"\n`;
  it.each([
    ["not YAML", `images: [\n`, locator("kustomize", "nginx"), tag("1.27")],
    ["an invalid tag", kustomization, locator("kustomize", "nginx"), tag("1.27 && rm -rf /")],
    ["a tag starting with a dot", kustomization, locator("kustomize", "nginx"), tag(".hidden")],
    ["an invalid digest", kustomization, locator("kustomize", "nginx"), { tag: null, digest: "sha256:abc" }],
    ["an absent image without createIfMissing", kustomization, locator("kustomize", "redis"), tag("7")],
    ["an absent Helm image", `image:\n  repository: a/b\n  tag: v1\n`, locator("helm", "c/d"), tag("7")],
    [
      "the image at two different versions",
      `spec:\n  containers:\n  - image: nginx:1.25\n  - image: nginx:1.26\n`,
      locator("manifest", "nginx"),
      tag("1.27"),
    ],
    [
      "an image under another registry (repository alone is not enough)",
      `image:\n  registry: registry.corp:5000\n  repository: library/nginx\n  tag: "1.25"\n`,
      locator("helm", "nginx"),
      tag("1.27"),
    ],
    [
      "an image whose registry global.imageRegistry overrides",
      `global:\n  imageRegistry: registry.corp\nimage:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: 1.25.0\n`,
      locator("helm", "bitnami/nginx", { helm: { imageName: "image.repository" } }),
      tag("1.27.0"),
    ],
    [
      "helm.parameters whose <prefix>.registry is another registry",
      `kind: Application\nmetadata: {name: web}\nspec:\n  source:\n    helm:\n      parameters:\n      - name: image.registry\n        value: ghcr.io\n      - name: image.repository\n        value: acme/app\n      - name: image.tag\n        value: v1\n`,
      locator("application", "acme/app", { appName: "web" }),
      tag("v2"),
    ],
    [
      "a kustomize entry named like the image whose newName is another repository",
      `images:\n- name: nginx\n  newName: ghcr.io/acme/nginx-custom\n  newTag: "2.0"\n`,
      locator("kustomize", "nginx"),
      tag("1.27"),
    ],
    [
      "an Application kustomize.images alias named like the image pointing at another repository",
      `kind: Application\nmetadata: {name: web}\nspec:\n  source:\n    kustomize:\n      images:\n      - nginx=ghcr.io/acme/nginx-custom:2.0\n`,
      locator("application", "nginx", { appName: "web" }),
      tag("1.27"),
    ],
    [
      "adding an entry whose name another entry already uses for another image",
      `images:\n- name: nginx\n  newName: ghcr.io/acme/nginx-custom\n  newTag: "2.0"\n`,
      locator("kustomize", "nginx", { createIfMissing: true }),
      tag("1.27"),
    ],
    ["a block scalar tag", `image:\n  repository: a/b\n  tag: |\n    v1\n`, locator("helm", "a/b"), tag("v2")],
  ] as const)("refuses %s with EditConflictError naming the file", (_, input, at, to) => {
    expect(() => writeImage(input, "apps/web/file.yaml", at, to)).toThrow(EditConflictError);
    try {
      writeImage(input, "apps/web/file.yaml", at, to);
    } catch (error) {
      expect((error as EditConflictError).context.file).toBe("apps/web/file.yaml");
    }
  });

  it.each([
    [
      "a Helm image map with tag: twice",
      `image:\n  repository: ghcr.io/acme/app\n  tag: 1.0.0\n  pullPolicy: IfNotPresent\n  tag: 1.0.1\n`,
      locator("helm", "ghcr.io/acme/app"),
      /file\.yaml has the key "tag" 2 times in one mapping \(lines 3, 5\).*remove the duplicate key "tag"/,
    ],
    [
      "a Helm explicit path whose map holds tag: twice",
      `app:\n  tag: 1.0.0\n  tag: 1.0.1\n`,
      locator("helm", "ghcr.io/acme/app", { helm: { imageTag: "app.tag" } }),
      /has the key "tag" 2 times.*remove the duplicate key "tag"/,
    ],
    [
      "a kustomize entry with newTag twice",
      `images:\n- name: nginx\n  newTag: "1.25"\n  newTag: "1.26"\n`,
      locator("kustomize", "nginx"),
      /has the key "newTag" 2 times.*remove the duplicate key "newTag"/,
    ],
    [
      "helm.parameters naming image.tag twice",
      `kind: Application\nmetadata: {name: web}\nspec:\n  source:\n    helm:\n      parameters:\n      - name: image.repository\n        value: nginx\n      - name: image.tag\n        value: "1.25"\n      - name: image.tag\n        value: "1.26"\n`,
      locator("application", "nginx", { appName: "web" }),
      /file\.yaml sets the Helm parameter "image\.tag" 2 times \(lines 9, 11\).*remove the duplicate parameter "image\.tag"/,
    ],
    [
      ".argocd-source helm.parameters already set for another image",
      `helm:\n  parameters:\n  - name: image.name\n    value: ghcr.io/acme/other\n    forcestring: true\n  - name: image.tag\n    value: "1.0"\n    forcestring: true\n`,
      locator("argocd-source", "ghcr.io/acme/app", { createIfMissing: true, helm: {} }),
      /file\.yaml already sets the Helm parameters image\.name=ghcr\.io\/acme\/other, image\.tag=1\.0 for another image.*helm\.image-name and helm\.image-tag/,
    ],
    [
      "an anchored tag shared by an image map with a digest key and one without",
      `a:\n  image:\n    repository: x/a\n    tag: &t 1.0.0\n    digest: ""\nb:\n  image:\n    repository: x/a\n    tag: *t\n`,
      locator("helm", "x/a"),
      /file\.yaml shares one value \(line 4\) between occurrences of the image that need different edits.*own value instead of an alias/,
    ],
    [
      "a Helm image map with a repository but no tag key",
      `image:\n  repository: ghcr.io/acme/app\n  pullPolicy: IfNotPresent\n`,
      locator("helm", "ghcr.io/acme/app"),
      /file\.yaml names ghcr\.io\/acme\/app \(line 2\) but has no tag key beside it.*add a tag: key/,
    ],
    [
      "an Application whose Helm values are a string",
      `kind: Application\nmetadata: {name: web}\nspec:\n  source:\n    helm:\n      values: |\n        image:\n          repository: nginx\n          tag: "1.25"\n`,
      locator("application", "nginx", { appName: "web" }),
      /file\.yaml gives its Helm values as a string \(helm\.values, line 6\).*helm\.valuesObject/,
    ],
    [
      "a kustomize entry named like the image that runs another (newName)",
      `images:\n- name: nginx\n  newName: ghcr.io/acme/nginx-custom\n  newTag: "2.0"\n`,
      locator("kustomize", "nginx"),
      /file\.yaml has an images entry named nginx, but it runs ghcr\.io\/acme\/nginx-custom \(its newName\).*kustomize\.image-name: nginx/,
    ],
    [
      "a Helm image string without a tag",
      `sidecars:\n  - name: proxy\n    image: envoyproxy/envoy\n`,
      locator("helm", "envoyproxy/envoy"),
      /names envoyproxy\/envoy \(line 3\) but has no tag key.*image: name:tag/,
    ],
  ] as const)("refuses %s, naming the key and the fix", (_, input, at, message) => {
    const to = { tag: "2.0.0", digest: DIGEST_A };
    expect(() => writeImage(input, "file.yaml", at, to)).toThrow(EditConflictError);
    expect(() => writeImage(input, "file.yaml", at, to)).toThrow(message);
  });

  it("refuses a write with neither tag nor digest", () => {
    expect(() => writeImage(kustomization, "k", locator("kustomize", "nginx"), { tag: null, digest: null })).toThrow(TypeError);
  });

  it.each(["+1", ".5", ".inf", "-.Inf", ".NaN", "0X1F", "0B1", "0O17", "1_000", "1.", "1e3"])("never writes %s plain", (value) => {
    expect(isPlainSafe(value)).toBe(false);
  });

  it("reads a plain 1.10 as the tag 1.10", () => {
    expect(readImage(`images:\n- name: nginx\n  newTag: 1.10\n`, "k", locator("kustomize", "nginx"))?.tag).toEqual("1.10");
  });

  it("reads null for an image the file does not hold, and throws on invalid YAML", () => {
    expect(readImage(kustomization, "k", locator("kustomize", "redis"))).toBeNull();
    expect(() => readImage("a: [", "k", locator("kustomize", "redis"))).toThrow(EditConflictError);
  });
});

describe("file names", () => {
  it.each([
    [["deployment.yaml", "kustomization.yaml"], "kustomization.yaml"],
    [["kustomization.yml", "README.md"], "kustomization.yml"],
    [["Kustomization"], "Kustomization"],
    [["Kustomization", "kustomization.yaml"], "kustomization.yaml"],
    [["values.yaml"], null],
  ] as const)("kustomizationFileName(%j) is %s", (names, expected) => {
    expect(kustomizationFileName(names)).toEqual(expected);
  });

  it("names the .argocd-source file after the app", () => {
    expect(argocdSourceFileName("shop-prod")).toEqual(".argocd-source-shop-prod.yaml");
  });
});

describe("contract: every editor", () => {
  it("covers each write kind once", () => {
    expect(editors.map((editor) => editor.kind).sort()).toEqual(["application", "argocd-source", "helm", "kustomize", "manifest"]);
  });

  it.each(editors.map((editor) => [editor.kind, editor] as const))("%s finds nothing in an empty file and refuses garbage", (kind) => {
    const at = locator(kind, "nginx");
    expect(readImage("", "f.yaml", at)).toBeNull();
    expect(readImage("# only a comment\n", "f.yaml", at)).toBeNull();
    expect(() => readImage("a: b: c\n", "f.yaml", at)).toThrow(EditConflictError);
  });
});
