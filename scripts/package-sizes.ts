// Prints what installing Tally's packages costs a product: each tarball's size
// and file count, and what `npm install` of it puts into node_modules (every
// package and every byte, dependencies included), measured by installing the
// packed tarballs into an empty project in the OS temp folder.
//
//   npx tsx scripts/package-sizes.ts
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packWorkspaces, type PackedPackage } from './pack-packages';

const npmCache = join(__dirname, '..', '.data', 'npm-cache');

/** Bytes of the files under a folder (symbolic links not followed), and the packages (folders with a package.json) in it. */
function footprint(folder: string): { bytes: number; packages: number } {
  let bytes = 0;
  let packages = 0;
  const visit = (path: string) => {
    for (const entry of readdirSync(path)) {
      const child = join(path, entry);
      const stat = lstatSync(child);
      if (stat.isDirectory()) visit(child);
      else if (stat.isFile()) {
        bytes += stat.size;
        if (entry === 'package.json' && !path.includes('dist')) packages += 1;
      }
    }
  };
  visit(folder);
  return { bytes, packages };
}

/** Installs the tarballs into an empty project; peers (NestJS itself) are left out, since the application already has them. */
function installed(tarballs: readonly string[]): { bytes: number; packages: number } {
  const project = mkdtempSync(join(tmpdir(), 'tally-package-size-'));
  try {
    writeFileSync(join(project, 'package.json'), '{ "name": "package-size", "private": true }\n');
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'));
    const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--legacy-peer-deps', '--no-package-lock', '--cache', npmCache, ...tarballs], {
      cwd: project,
      env,
      encoding: 'utf8',
    });
    if (npm.status !== 0) throw new Error(`npm install failed:\n${npm.stdout}\n${npm.stderr}`);
    return footprint(join(project, 'node_modules'));
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

function describePackage(entry: PackedPackage): string {
  return `${entry.name}@${entry.version}: tarball ${kB(entry.size)}, unpacked ${kB(entry.unpackedSize)} in ${entry.files.length} files`;
}

async function main(): Promise<void> {
  const packed = await packWorkspaces();
  console.log(describePackage(packed.sdk));
  console.log(describePackage(packed.nestjs));
  const sdk = installed([packed.sdk.tarball]);
  console.log(`npm install @tally/sdk: ${sdk.packages} package(s), ${kB(sdk.bytes)} in node_modules`);
  const nestjs = installed([packed.sdk.tarball, packed.nestjs.tarball]);
  console.log(`npm install @tally/nestjs (with @tally/sdk, without the NestJS peers): ${nestjs.packages} package(s), ${kB(nestjs.bytes)} in node_modules`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
