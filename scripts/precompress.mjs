// Writes a brotli (best quality) and a gzip copy next to each compressible file of a build,
// for the collector to send as they are: on the fly it compresses at a fast setting, and a
// first install over poor signal is about 15% bigger that way.
//   node scripts/precompress.mjs DIR
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";

const COMPRESSIBLE = new Set([".wasm", ".js", ".css", ".html", ".webmanifest", ".svg", ".json", ".txt"]);
const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/precompress.mjs DIR");
  process.exit(2);
}

function* files(folder) {
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

let count = 0;
for (const path of [...files(dir)]) {
  if (!COMPRESSIBLE.has(extname(path))) continue;
  const bytes = readFileSync(path);
  writeFileSync(path + ".br", brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
  writeFileSync(path + ".gz", gzipSync(bytes, { level: 9 }));
  count += 1;
}
console.log(`precompress: brotli and gzip copies of ${count} files`);
