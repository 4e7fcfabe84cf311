// One logger per component. Messages are fixed strings; details go in fields, printed as
// key=value so a line can be grepped for either. Hooks follow the config's `logging` list.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggingHook } from '../config/types.ts';

export type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type Fields = Record<string, unknown>;

export interface Logger {
  trace(msg: string, fields?: Fields): void;
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** A logger for a part of this one: its lines carry `component`. */
  child(component: string): Logger;
}

const RANK: Record<Level, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

type Sink = { min: number; write(line: string): void };

function formatValue(v: unknown): string {
  if (v instanceof Error) return JSON.stringify(v.stack ?? v.message);
  if (typeof v === 'string') return /^[\w.:@!$#/+-]*$/.test(v) && v !== '' ? v : JSON.stringify(v);
  if (v === undefined) return 'undefined';
  return JSON.stringify(v) ?? String(v);
}

function format(level: Level, component: string, msg: string, fields?: Fields): string {
  let line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${component}] ${msg}`;
  if (fields) for (const [k, v] of Object.entries(fields)) line += ` ${k}=${formatValue(v)}`;
  return line;
}

function sinkFor(hook: LoggingHook): Sink {
  const min = RANK[hook.level] ?? RANK.info;
  if (hook.type === 'file') {
    const dir = hook.params.path ?? '.';
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'dendrite.log');
    return { min, write: (line) => appendFileSync(file, line + '\n') };
  }
  return { min, write: (line) => process.stderr.write(line + '\n') };
}

class HookLogger implements Logger {
  constructor(
    private readonly sinks: Sink[],
    private readonly component: string,
  ) {}
  private emit(level: Level, msg: string, fields?: Fields) {
    const rank = RANK[level];
    let line: string | undefined;
    for (const s of this.sinks) {
      if (rank < s.min) continue;
      line ??= format(level, this.component, msg, fields);
      s.write(line);
    }
  }
  trace(msg: string, f?: Fields) { this.emit('trace', msg, f); }
  debug(msg: string, f?: Fields) { this.emit('debug', msg, f); }
  info(msg: string, f?: Fields) { this.emit('info', msg, f); }
  warn(msg: string, f?: Fields) { this.emit('warn', msg, f); }
  error(msg: string, f?: Fields) { this.emit('error', msg, f); }
  child(component: string): Logger {
    return new HookLogger(this.sinks, component);
  }
}

export function createLogger(hooks: LoggingHook[], component = 'dendrite'): Logger {
  const list: LoggingHook[] = hooks.length > 0 ? hooks : [{ type: 'std', level: 'info', params: {} }];
  return new HookLogger(list.map(sinkFor), component);
}

/** A logger that prints nothing below `level` to stderr; for tests and CLI helpers. */
export function stderrLogger(level: Level = 'warn', component = 'dendrite'): Logger {
  return createLogger([{ type: 'std', level, params: {} }], component);
}
