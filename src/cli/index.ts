/** cli/: the commander program; each command registers itself from its own file. */
export { buildProgram, runCli } from "./program.js";
