// The sockets a process tree listens on, read from /proc (what `ss -ltnup`
// shows, without needing iproute2): a process's socket inodes from
// /proc/<pid>/fd, their addresses from /proc/net/{tcp,tcp6,udp,udp6}.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  readonly protocol: 'tcp' | 'udp';
  readonly address: string;
  readonly port: number;
  readonly pid: number;
}

const TCP_LISTEN = '0A';
// An unconnected UDP socket (st 07) receives from anyone on its address: it counts as listening.
const UDP_UNCONNECTED = '07';

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The process and every process it started, so a wrapper's children are counted too. */
export function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    // The parent pid is the 2nd field after the command name, which may contain spaces: read after the last ')'.
    const stat = readOrEmpty(`/proc/${entry}/stat`);
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(Number(entry));
  }
  const tree: number[] = [];
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]);
    } catch {
      // The descriptor closed while we read the folder.
    }
  }
  return inodes;
}

/** /proc/net prints each 32-bit word of the address in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((word) => (word.match(/.{2}/g) ?? []).reverse().map((byte) => parseInt(byte, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16));
  const mappedV4 = groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff';
  return mappedV4 ? `::ffff:${bytes.slice(12).join('.')}` : groups.join(':');
}

function socketTable(pid: number, protocol: 'tcp' | 'udp'): Array<{ address: string; port: number; state: string; inode: string }> {
  const rows = [];
  for (const file of [protocol, `${protocol}6`]) {
    for (const line of readOrEmpty(`/proc/${pid}/net/${file}`).split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const [addressHex, portHex] = fields[1].split(':');
      rows.push({ address: decodeAddress(addressHex), port: parseInt(portHex, 16), state: fields[3], inode: fields[9] });
    }
  }
  return rows;
}

/** Every TCP socket listening and every UDP socket bound by these processes. */
export function listeningSockets(pids: readonly number[]): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  for (const pid of pids) {
    const inodes = socketInodes(pid);
    for (const protocol of ['tcp', 'udp'] as const) {
      const listening = protocol === 'tcp' ? TCP_LISTEN : UDP_UNCONNECTED;
      for (const row of socketTable(pid, protocol)) {
        if (row.state === listening && inodes.has(row.inode)) sockets.push({ protocol, address: row.address, port: row.port, pid });
      }
    }
  }
  return sockets;
}

export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(address);
}
