/**
 * Inputs for the benchmark (scripts/bench.ts), which times these; the test suite never does. Lives
 * outside src/ so nothing bench-only is compiled into dist/.
 */
import type { ImagePolicy } from "../src/model/index.js";
import { selectCandidates, type Candidates } from "../src/strategy/index.js";

const SUFFIXES = ["", "-alpine", "-bookworm", "-alpine-slim", "-rc.1"] as const;

/** `count` distinct, realistic tags (versions with suffixes, shas, a few words), deterministic. */
export function syntheticTags(count: number): string[] {
  const tags: string[] = [];
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  for (let i = 0; tags.length < count; i++) {
    switch (i % 4) {
      case 0:
      case 1: {
        const suffix = SUFFIXES[next() % SUFFIXES.length] ?? "";
        // 4000a + 200b + c = i, so every version is distinct whatever its suffix.
        tags.push(`${Math.floor(i / 4000)}.${Math.floor(i / 200) % 20}.${i % 200}${suffix}`);
        break;
      }
      case 2:
        tags.push(next().toString(16).padStart(8, "0") + i.toString(16));
        break;
      default:
        tags.push(`build-${i}`);
    }
  }
  return tags.slice(0, count);
}

/** Filter and sort `tags` under a semver policy with every filter on: the work the benchmark times. */
export function runSelectionWorkload(tags: readonly string[]): Candidates {
  const policy: ImagePolicy = {
    strategy: "semver",
    constraint: ">=1.0.0 <200.0.0 || ~0.5",
    allowTags: { kind: "regexp", pattern: "^v?[0-9]" },
    ignoreTags: ["*-rc.*", "latest", "[0-9]*-alpine-slim-1?"],
    platforms: [],
    keepSuffix: false,
    maxUpdate: null,
  };
  return selectCandidates(tags, policy, { tag: "1.0.0", digest: null });
}
