// The Bengali font subset in public/fonts is the pinned npm package's file
// (@fontsource/noto-sans-bengali in package.json), committed so that a clean clone builds
// without it. `--check` fails if the committed file is not the package's; without it, the
// package's file (after changing its version and `npm install`) is copied in.
//   node scripts/fonts.mjs [--check]
import { copyFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const FILES = [
  ["node_modules/@fontsource/noto-sans-bengali/files/noto-sans-bengali-bengali-400-normal.woff2",
   "public/fonts/noto-sans-bengali-bengali-400-normal.woff2"],
  ["node_modules/@fontsource/noto-sans-bengali/LICENSE", "public/fonts/OFL.txt"],
];
const check = process.argv.includes("--check");
let same = true;
for (const [from, to] of FILES) {
  let source;
  try {
    source = readFileSync(join(root, from));
  } catch {
    console.error(`fonts: ${from} is missing; run scripts/setup.sh (npm ci)`);
    process.exit(1);
  }
  if (check) {
    const committed = readFileSync(join(root, to));
    if (!source.equals(committed)) {
      console.error(`fonts: ${to} is not ${from}; run node scripts/fonts.mjs`);
      same = false;
    }
  } else {
    copyFileSync(join(root, from), join(root, to));
    console.log(`fonts: copied ${from} to ${to}`);
  }
}
if (check && same) console.log("fonts: public/fonts holds the pinned package's files");
process.exit(same ? 0 : 1);
