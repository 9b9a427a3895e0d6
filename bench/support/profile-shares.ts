// Where a served request's time goes, from a V8 CPU profile that
// `bench/api.bench.ts --cpu-prof` wrote: each sample is put in one bucket by
// the function it was in and the calls above it, and the buckets are printed
// as shares of the samples spent serving (start-up and idle left out).
//   npx tsx bench/support/profile-shares.ts .data/profiles/quota.cpuprofile
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

// First match wins; `self` is the sampled function, `stack` every caller's too.
const BUCKETS: readonly { readonly name: string; readonly matches: (self: string, stack: string) => boolean }[] = [
  { name: 'idle', matches: (self) => self.startsWith('(idle)') },
  { name: 'start-up', matches: (_self, stack) => /module_job|loadAndTranslate|main\.ts|wrapSafe|makeSyncRequest/.test(stack) && !/parserOnIncoming|runMicrotasks/.test(stack) },
  { name: 'garbage collection', matches: (self) => self.startsWith('(garbage collector)') },
  { name: 'socket write (writev)', matches: (self) => self.startsWith('writev ') },
  { name: "reading the organization's stream to catch up (SQLite)", matches: (_self, stack) => /sqlite-event-store/.test(stack) && /runReads/.test(stack) },
  { name: 'other SQLite', matches: (_self, stack) => /sqlite/.test(stack) },
  { name: 'the quota check and the ledger', matches: (_self, stack) => /checkQuota .*usage-queries|organization-command-handler|organization-ledger/.test(stack) },
  { name: 'validation (zod)', matches: (self) => /zod|schemas\.cjs|checks\.cjs/.test(self) },
  { name: 'authentication', matches: (self, stack) => /api-keys|api-key-index|authentication\.ts/.test(self) || (self.startsWith('hash ') && /api-keys/.test(stack)) },
  { name: 'metrics', matches: (self) => /http-metrics|prom-client/.test(self) },
  { name: 'Express routing and middleware', matches: (self) => /router|express|layer\.js|route\.js|route-mount|finalhandler/.test(self) },
  { name: "Node's HTTP and stream code", matches: (self) => /node:_http|node:net|stream_base|node:events|writable|readable/.test(self) || self.startsWith('(program)') },
  { name: 'other', matches: () => true },
];

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npx tsx bench/support/profile-shares.ts PROFILE.cpuprofile');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const name = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url}`;

  const timeById = new Map<number, number>();
  profile.samples.forEach((id, index) => timeById.set(id, (timeById.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const shares = new Map<string, number>();
  for (const [id, micros] of timeById) {
    const frames: string[] = [];
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) frames.push(name(byId.get(current) as ProfileNode));
    const bucket = BUCKETS.find((candidate) => candidate.matches(frames[0], frames.join('\n'))) as (typeof BUCKETS)[number];
    shares.set(bucket.name, (shares.get(bucket.name) ?? 0) + micros);
  }
  const total = [...shares.values()].reduce((sum, micros) => sum + micros, 0);
  const serving = total - (shares.get('idle') ?? 0) - (shares.get('start-up') ?? 0);
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s of samples, ${(serving / 1e6).toFixed(1)} s serving`);
  for (const [bucket, micros] of [...shares].filter(([bucket]) => bucket !== 'idle' && bucket !== 'start-up').sort((a, b) => b[1] - a[1])) {
    console.log(`  ${((micros / serving) * 100).toFixed(1).padStart(5)}%  ${bucket}`);
  }
}

main();
