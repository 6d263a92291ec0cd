// The JavaScript pair the CLI is compared with: Node's JSON.parse on every
// line and json-logic-js (pinned in e2e/package.json) on the seed rule.
// `node jsonlogic.mjs FILE` prints {"loans", "fired"}.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("../../e2e/package.json", import.meta.url));
const jsonLogic = require("json-logic-js");

// (and (= status-days-past-due 5) (or (= loan-status "Open") (= loan-status "Collections")))
const rule = {
  and: [
    { "==": [{ var: "status-days-past-due" }, 5] },
    { or: [{ "==": [{ var: "loan-status" }, "Open"] }, { "==": [{ var: "loan-status" }, "Collections"] }] },
  ],
};
const text = readFileSync(process.argv[2], "utf8");
let loans = 0;
let fired = 0;
let start = 0;
while (start < text.length) {
  let end = text.indexOf("\n", start);
  if (end === -1) end = text.length;
  if (end > start) {
    loans++;
    if (jsonLogic.apply(rule, JSON.parse(text.slice(start, end)))) fired++;
  }
  start = end + 1;
}
console.log(JSON.stringify({ loans, fired }));
