// Writes the words file of every language of the worker's words but the first (built
// into the app), words/<code>.txt, into a build: its texts one a line, in the layout of
// survey::worker_words::Catalog::lines (the app refuses a file whose fingerprint is not
// the one it was built with). Run by scripts/sw-precache.sh, after cargo has checked the
// catalog.
//   node scripts/worker-words.mjs DIR
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node scripts/worker-words.mjs DIR");
  process.exit(2);
}
const source = join(dirname(fileURLToPath(import.meta.url)), "../survey/questionnaires/worker-words.json");
const catalog = JSON.parse(readFileSync(source, "utf8"));
// CLDR's order of plural categories; a language's forms are the ones it has, in it.
const CLDR = ["zero", "one", "two", "few", "many", "other"];
const messages = Object.values(catalog.messages);
const first = catalog.languages[0].code;
const isPlural = (message) => typeof message[first] === "object";

mkdirSync(dir, { recursive: true });
for (const { code } of catalog.languages.slice(1)) {
  const lines = messages.filter((m) => !isPlural(m)).map((m) => m[code]);
  for (const message of messages.filter(isPlural)) {
    lines.push(...CLDR.filter((form) => form in message[code]).map((form) => message[code][form]));
  }
  writeFileSync(join(dir, `${code}.txt`), lines.join("\n"));
}
console.log(`worker-words: ${catalog.languages.length - 1} words files in ${dir}`);
