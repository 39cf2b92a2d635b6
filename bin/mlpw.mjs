#!/usr/bin/env node
// The `mlpw` command: loads the TypeScript sources through tsx's loader, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
