#!/usr/bin/env node
// Runs the compiled CLI (`npm run build` / `prepare` writes dist/).
import { runCli } from "../dist/cli.js";

process.exitCode = await runCli(process.argv.slice(2));
