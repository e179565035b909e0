import type { Clock } from '../../../../plugins/sdk/index.js';
import { KeyedFakeRunner } from '../../sdk/scripted-process.js';

/**
 * `apt-get install` → 'apt-get install', `apt list` → 'apt list'; dpkg-query over the whole
 * database (no package arguments: the holds) → 'dpkg-query holds'; other programs by name.
 */
export function commandKey(command: string, args: readonly string[]): string {
  if (command === 'dpkg-query' && !args.includes('--')) return 'dpkg-query holds';
  if (!['apt', 'apt-get', 'apt-mark'].includes(command)) return command;
  let sub: string | undefined;
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    if (args[i] === '-o') i++;
    else if (!args[i]!.startsWith('-')) {
      sub = args[i];
      break;
    }
  }
  return sub ? `${command} ${sub}` : command;
}

/**
 * A process runner that answers like the real tools from scripted replies, streaming their lines
 * through the callbacks as the real runner does, and records every call.
 */
export class FakeApt extends KeyedFakeRunner {
  constructor() {
    super(commandKey);
  }
}

/** A clock whose sleeps return at once and move time forward: lock waits without waiting. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  private time = Date.parse('2026-01-01T00:00:00Z');

  now(): Date {
    return new Date(this.time);
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}
