// Builds and packs the workspace packages (@tally/sdk, @tally/nestjs) exactly
// as `npm publish` would ship them, and keeps the tarballs under
// .data/packages/<hash of their sources>, so the packaging tests and
// scripts/package-sizes.ts pack once per change rather than once per use.
// `npx tsx scripts/pack-packages.ts` prints what it packed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..');
const cacheRoot = join(root, '.data', 'packages');
const workspaces = ['packages/sdk', 'packages/nestjs'] as const;
// Everything a tarball is made of: the packages' sources and manifests, the build, and the compiler's version.
const inputs = [...workspaces, 'scripts/build-package.mjs', 'package-lock.json'];

export interface PackedFile {
  readonly path: string;
  readonly size: number;
}

/** One tarball, with what `npm pack --json` says about it. */
export interface PackedPackage {
  readonly name: string;
  readonly version: string;
  readonly tarball: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly PackedFile[];
}

export interface PackedWorkspaces {
  readonly sdk: PackedPackage;
  readonly nestjs: PackedPackage;
}

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name !== 'dist' && name !== 'node_modules')
    .flatMap((name) => filesUnder(join(path, name)));
}

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap((input) => filesUnder(join(root, input))).sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Serializes packing between test files that run at once; a lock older than ten minutes is left over from a killed run. */
async function withLock<T>(work: () => T): Promise<T> {
  const lock = join(cacheRoot, '.lock');
  mkdirSync(cacheRoot, { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const heldSince = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - heldSince > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

interface NpmPackEntry {
  name: string;
  version: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: PackedFile[];
}

function pack(destination: string): void {
  const npm = (args: string[]) => execFileSync('npm', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  // Built first and packed without scripts, so the build's output cannot mix with the JSON.
  npm(['run', 'build', '--workspaces', '--silent']);
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', destination, ...workspaces.flatMap((w) => ['--workspace', w])])) as NpmPackEntry[];
  const manifest = packed.map(({ name, version, filename, size, unpackedSize, files }) => ({
    name,
    version,
    tarball: filename.replace(/^@/, '').replace(/\//g, '-'),
    size,
    unpackedSize,
    files: files.map(({ path, size: fileSize }) => ({ path, size: fileSize })),
  }));
  writeFileSync(join(destination, 'packed.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function packWorkspaces(): Promise<PackedWorkspaces> {
  const folder = join(cacheRoot, sourceHash());
  if (!existsSync(join(folder, 'packed.json'))) {
    await withLock(() => {
      if (existsSync(join(folder, 'packed.json'))) return;
      const building = mkdtempSync(join(cacheRoot, 'packing-'));
      try {
        pack(building);
        rmSync(folder, { recursive: true, force: true });
        renameSync(building, folder);
      } finally {
        rmSync(building, { recursive: true, force: true });
      }
    });
  }
  const manifest = JSON.parse(readFileSync(join(folder, 'packed.json'), 'utf8')) as PackedPackage[];
  const byName = (name: string): PackedPackage => {
    const entry = manifest.find((candidate) => candidate.name === name);
    if (!entry) throw new Error(`${name} is missing from ${folder}`);
    return { ...entry, tarball: join(folder, entry.tarball) };
  };
  return { sdk: byName('@tally/sdk'), nestjs: byName('@tally/nestjs') };
}

if (require.main === module) {
  packWorkspaces().then(
    (packed) => {
      for (const entry of Object.values(packed)) console.log(`${entry.name}@${entry.version}: ${entry.tarball} (${entry.size} bytes, ${entry.files.length} files)`);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
