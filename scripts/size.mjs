// Prints raw, gzip and brotli bytes of the app's wasm, js and css in a dist folder, and
// fails when the app's compressed (gzip) download goes over the budget. The words of each
// worker's language but English (words/*.txt) and the Bengali font (fonts/*.woff2) are
// reported on lines of their own with budgets of their own: a worker's browser fetches
// them only for that language (the service worker keeps them all for use offline).
//   node scripts/size.mjs dist
import { readdirSync, readFileSync } from "node:fs";
import { join, extname } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

// The whole app: shell, questionnaire, engine, every screen and the hand-in (batches,
// checksums, CSV). The shell alone was 104 KB gzip; the interview screens (Leptos view
// code) and the embedded questionnaire brought it to 342 KB, hand-in to 395 KB, the
// worker's screens at the door (issue 13: the worker's language, whether the collector
// answers, Share…, wide screens, problems named) to 458 KB. 470 KB leaves room for fixes,
// not for a new screen: the next large part (questionnaires published as data) is to
// take the embedded questionnaire (87 KB of JSON) and its reader out rather than add.
// Downloaded once with signal, then served by the service worker (brotli over HTTPS:
// about 356 KB).
const BUDGET_BYTES = 470 * 1000;
// One language's words, gzip (all the worker's screens: about 5 KB in Turkish or Bengali).
const WORDS_BUDGET_BYTES = 12 * 1000;
// A font file (woff2 is compressed already): the Bengali subset is 44 KB.
const FONT_BUDGET_BYTES = 60 * 1000;
const dist = process.argv[2] ?? "dist";

const files = readdirSync(dist).filter((name) => [".wasm", ".js", ".css"].includes(extname(name)) && name !== "sw.js");
if (files.length === 0) {
  console.error(`size: no wasm, js or css in ${dist}; build first (make build)`);
  process.exit(1);
}
const rows = files.sort().map((name) => {
  const bytes = readFileSync(join(dist, name));
  return {
    name,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
});
const total = rows.reduce((sum, row) => ({ raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip, brotli: sum.brotli + row.brotli }), { raw: 0, gzip: 0, brotli: 0 });
const kb = (n) => (n / 1000).toFixed(1).padStart(8) + " KB";
console.log(`${"file".padEnd(40)} ${"raw".padStart(11)} ${"gzip".padStart(11)} ${"brotli".padStart(11)}`);
for (const row of [...rows, { name: "total", ...total }]) {
  console.log(`${row.name.padEnd(40)} ${kb(row.raw)} ${kb(row.gzip)} ${kb(row.brotli)}`);
}
const ok = total.gzip <= BUDGET_BYTES;
console.log(`compressed download ${kb(total.gzip).trim()} gzip / ${kb(total.brotli).trim()} brotli; budget ${BUDGET_BYTES / 1000} KB: ${ok ? "within" : "OVER"}`);

// Fetched only for one language: each file on its own line, against its own budget.
const extras = (folder, ext) => {
  try {
    return readdirSync(join(dist, folder)).filter((name) => extname(name) === ext).sort().map((name) => join(folder, name));
  } catch {
    return [];
  }
};
let extrasOk = true;
for (const [files, budget, what] of [
  [extras("words", ".txt"), WORDS_BUDGET_BYTES, "a worker's language's words, gzip"],
  [extras("fonts", ".woff2"), FONT_BUDGET_BYTES, "a font, as it is"],
]) {
  for (const name of files) {
    const bytes = readFileSync(join(dist, name));
    const gzip = gzipSync(bytes, { level: 9 }).length;
    const counted = name.endsWith(".woff2") ? bytes.length : gzip;
    const within = counted <= budget;
    extrasOk &&= within;
    console.log(`${name.padEnd(40)} ${kb(bytes.length)} ${kb(gzip)} ${"".padStart(11)}  budget ${budget / 1000} KB (${what}): ${within ? "within" : "OVER"}`);
  }
}
process.exit(ok && extrasOk ? 0 : 1);
