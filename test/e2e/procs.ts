/**
 * The process table from /proc (Linux), to prove that a run left nothing behind: every process of a
 * process group, or every descendant of a pid, with its state (a zombie is already dead).
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** R, S, D, Z (zombie), T... */
  state: string;
  /** The command line, arguments joined by spaces (the comm name for kernel threads or zombies). */
  cmd: string;
}

/**
 * Parse /proc/<pid>/stat. The command name sits in parentheses and may itself hold spaces and
 * parentheses, so the fields are read after the last ')'.
 */
export function parseStat(stat: string): Omit<ProcInfo, 'cmd'> & { comm: string } {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc stat line: ${stat.slice(0, 80)}`);
  const rest = stat
    .slice(close + 2)
    .trim()
    .split(' ');
  return {
    pid: Number(stat.slice(0, open).trim()),
    comm: stat.slice(open + 1, close),
    state: rest[0],
    ppid: Number(rest[1]),
    pgid: Number(rest[2]),
  };
}

/** Every process visible now (those that vanish while being read are skipped). */
export function processTable(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = parseStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      out.push({
        pid: s.pid,
        ppid: s.ppid,
        pgid: s.pgid,
        state: s.state,
        cmd: argv.join(' ') || `[${s.comm}]`,
      });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Live (not zombie) members of process group `pgid`. */
export function liveGroupMembers(pgid: number, table = processTable()): ProcInfo[] {
  return table.filter((p) => p.pgid === pgid && p.state !== 'Z');
}

/** Every descendant of `pid` (children, their children...), zombies included. */
export function descendantsOf(pid: number, table = processTable()): ProcInfo[] {
  const found: ProcInfo[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next = table.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

/** Which of `pids` are still alive (present and not a zombie). */
export function stillAlive(pids: number[], table = processTable()): ProcInfo[] {
  return table.filter((p) => pids.includes(p.pid) && p.state !== 'Z');
}
