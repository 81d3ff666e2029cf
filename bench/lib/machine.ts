/** The machine a benchmark ran on, for the report. */
import { cpus, loadavg, release, totalmem, type } from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGb: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started and ended: others' work on a shared machine shows here. */
  loadStart: number;
  loadEnd: number;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  const load = loadavg()[0];
  return {
    cpu: c[0]?.model.trim() || 'unknown',
    cores: c.length,
    ramGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${type()} ${release()}`,
    loadStart: Math.round(load * 100) / 100,
    loadEnd: Math.round(load * 100) / 100,
  };
}

export function finishMachineInfo(m: MachineInfo): MachineInfo {
  return { ...m, loadEnd: Math.round(loadavg()[0] * 100) / 100 };
}
