/**
 * text/: PURE helpers for outside text shown to people — terminal output, messages, PR bodies.
 */
export { escapeControlCharacters, quoteForMessage } from "./escape.js";
export { closestName } from "./closest.js";
export { describeYamlError } from "./yaml-errors.js";
