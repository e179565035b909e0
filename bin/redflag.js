#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so a clone runs without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../core/cli.ts');
