/**
 * Fails when the product contracts' coverage is below 95% of lines or 90% of branches (issue 8).
 *
 * Input: `coverage/lcov.info`, written by `hardhat test --coverage` (Hardhat 3's built-in coverage). It holds line
 * coverage only: Hardhat's instrumentation (EDR) records statements, and its lcov writer has no branch records yet
 * ("EDR does not provide branch coverage information" in hardhat/dist/.../coverage/coverage-manager.js). So branch
 * coverage is derived here from the same data, from each contract's syntax tree (solc's parser, `stopAfter:
 * "parsing"`):
 * - `if` with `else`: two arms, each taken when its first statement's line ran;
 * - `if` without `else` whose body always leaves (`revert`, `return`, `break`, `continue`) — the `if (bad) revert
 *   Err();` guards that make up most of the branches here: the `then` arm is taken when the revert/return ran, the
 *   implicit `else` when the statement after the `if` ran (only a false condition reaches it);
 * - `try`/`catch`: each clause is an arm, taken when its first statement ran.
 * - in assembly, Yul `if` the same way (a body ending in `revert`/`return`/`leave`/`break`/`continue` leaves) and
 *   each `switch` case as an arm.
 * An arm whose taking cannot be seen in statement data — an implicit `else` after a body that falls through or at the
 * end of a block, an empty body, either side of `?:` — is counted as "unobservable", listed, and left out of the
 * percentage rather than guessed. `&&`/`||` short-circuits are not counted as branches (as in Istanbul's `if` count).
 *
 * Scope: `contracts/` minus
 * - `contracts/test-helpers/` (test doubles, not deployed by the product), and
 * - `contracts/verifiers/generated/` (Groth16 verifiers emitted verbatim by snarkjs's template, checked fresh by
 *   `npm run check:generated`): eight copies of one template, of which test/verifiers/Linear_4Verifier.test.ts
 *   exercises one on-chain, rejections included; the other circuits are checked off-chain with
 *   `snarkjs.groth16.verify`, and their template's failure paths (a precompile call failing) cannot be reached from a
 *   test. Counting the copies would weigh one template eight times.
 * Both are still printed, separately, for information.
 *
 * Usage: `npx tsx scripts/checks/coverage.ts [lcov path]` (run by `npm test` after `hardhat test --coverage`).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const LINE_THRESHOLD = 95;
const BRANCH_THRESHOLD = 90;
const EXCLUDED: { prefix: string; why: string }[] = [
  { prefix: "contracts/test-helpers/", why: "test doubles" },
  { prefix: "contracts/verifiers/generated/", why: "snarkjs template output, eight copies of one template" },
];

/** Yul built-ins that end execution: a Yul `if` whose body ends in one of them leaves. */
const YUL_EXITS = ["revert", "return", "stop", "invalid", "selfdestruct"];

/** One source file's line hits from lcov: line number -> hit count. */
type LineHits = Map<number, number>;

/** Parses an lcov tracefile into line hits per source file (paths relative to the project root). */
function readLcov(file: string): Map<string, LineHits> {
  const files = new Map<string, LineHits>();
  let current: LineHits | undefined;
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    if (line.startsWith("SF:")) {
      current = new Map();
      files.set(path.relative(process.cwd(), path.resolve(line.slice(3))), current);
    } else if (line.startsWith("DA:") && current !== undefined) {
      const [lineNo, hits] = line.slice(3).split(",").map(Number);
      current.set(lineNo, (current.get(lineNo) ?? 0) + hits);
    }
  }
  return files;
}

// A loose view of solc's JSON AST: only the fields read below.
interface AstNode {
  nodeType: string;
  src: string;
  statements?: AstNode[];
  trueBody?: AstNode;
  falseBody?: AstNode | null;
  block?: AstNode;
  clauses?: AstNode[];
  body?: AstNode;
  cases?: AstNode[];
  [key: string]: unknown;
}

/** Parses one Solidity file (syntax only: imports are not resolved) and returns its AST. */
function parse(file: string, content: string): AstNode {
  const require = createRequire(import.meta.url);
  const solc = require("solc") as { compile(input: string): string };
  const output = JSON.parse(
    solc.compile(
      JSON.stringify({
        language: "Solidity",
        sources: { [file]: { content } },
        settings: { stopAfter: "parsing", outputSelection: { "*": { "": ["ast"] } } },
      }),
    ),
  ) as { sources?: Record<string, { ast: AstNode }>; errors?: { severity: string; formattedMessage: string }[] };
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0 || output.sources?.[file] === undefined) {
    throw new Error(`coverage: cannot parse ${file}: ${errors.map((e) => e.formattedMessage).join("\n")}`);
  }
  return output.sources[file].ast;
}

/** The kind of a branch arm: taken, not taken, or not observable from statement coverage. */
type ArmState = "taken" | "missed" | "unobservable";

interface Arm {
  line: number;
  what: string;
  state: ArmState;
}

/** Derives the branch arms of one file from its AST and line hits. */
function branchArms(content: string, ast: AstNode, hits: LineHits): Arm[] {
  // Line number of a byte offset (solc's `src` is "start:length:file" in bytes of the UTF-8 source).
  const bytes = Buffer.from(content, "utf8");
  const lineStarts: number[] = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) lineStarts.push(i + 1);
  const lineOf = (node: AstNode): number => {
    const start = Number(node.src.split(":")[0]);
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= start) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  // The first statement a body executes, or undefined for an empty block.
  const firstStatement = (body: AstNode): AstNode | undefined =>
    ["Block", "UncheckedBlock", "YulBlock"].includes(body.nodeType) ? body.statements?.[0] : body;
  const ran = (stmt: AstNode | undefined): ArmState =>
    stmt === undefined ? "unobservable" : (hits.get(lineOf(stmt)) ?? 0) > 0 ? "taken" : "missed";
  const leaves = (body: AstNode): boolean => {
    if (body.nodeType === "Block" || body.nodeType === "UncheckedBlock") {
      const last = body.statements?.at(-1);
      return last !== undefined && leaves(last);
    }
    if (body.nodeType === "IfStatement") {
      return body.falseBody != null && leaves(body.trueBody as AstNode) && leaves(body.falseBody);
    }
    if (body.nodeType === "YulBlock") {
      const last = body.statements?.at(-1);
      return last !== undefined && leaves(last);
    }
    if (body.nodeType === "YulExpressionStatement") {
      const call = body.expression as { nodeType: string; functionName?: { name: string } };
      return call.nodeType === "YulFunctionCall" && YUL_EXITS.includes(call.functionName?.name ?? "");
    }
    return ["RevertStatement", "Return", "Break", "Continue", "YulBreak", "YulContinue", "YulLeave"].includes(
      body.nodeType,
    );
  };

  const arms: Arm[] = [];
  const visit = (node: unknown, next: AstNode | undefined): void => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => visit(child, node[i + 1] as AstNode | undefined));
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as AstNode;
    if (n.nodeType === "IfStatement" && n.trueBody !== undefined) {
      const line = lineOf(n);
      arms.push({ line, what: "if: then", state: ran(firstStatement(n.trueBody)) });
      if (n.falseBody != null) {
        arms.push({ line, what: "if: else", state: ran(firstStatement(n.falseBody)) });
      } else if (leaves(n.trueBody) && next !== undefined) {
        arms.push({ line, what: "if: fall-through", state: ran(next) });
      } else {
        arms.push({ line, what: "if: fall-through", state: "unobservable" });
      }
    } else if (n.nodeType === "Conditional") {
      arms.push({ line: lineOf(n), what: "?: true", state: "unobservable" });
      arms.push({ line: lineOf(n), what: "?: false", state: "unobservable" });
    } else if (n.nodeType === "YulIf" && n.body !== undefined) {
      const body = n.body as AstNode;
      const line = lineOf(n);
      arms.push({ line, what: "assembly if: then", state: ran(firstStatement(body)) });
      const fallThrough = leaves(body) && next !== undefined ? ran(next) : "unobservable";
      arms.push({ line, what: "assembly if: fall-through", state: fallThrough });
    } else if (n.nodeType === "YulSwitch") {
      for (const c of (n.cases ?? []) as AstNode[]) {
        arms.push({ line: lineOf(c), what: "assembly switch case", state: ran(firstStatement(c.body as AstNode)) });
      }
    } else if (n.nodeType === "TryStatement") {
      for (const clause of n.clauses ?? []) {
        arms.push({
          line: lineOf(clause),
          what: "try clause",
          state: clause.block ? ran(firstStatement(clause.block)) : "unobservable",
        });
      }
    }
    for (const [key, value] of Object.entries(n)) {
      // `statements` gives each child its following sibling.
      if (key === "statements" && Array.isArray(value)) visit(value, undefined);
      // An `else if` falls through to what follows the outer `if`.
      else if (key === "falseBody" && value !== null) visit(value, next);
      else if (value !== null && typeof value === "object") {
        if (Array.isArray(value)) value.forEach((child) => visit(child, undefined));
        else visit(value, undefined);
      }
    }
  };
  visit(ast, undefined);
  return arms;
}

interface FileReport {
  file: string;
  linesHit: number;
  linesFound: number;
  uncoveredLines: number[];
  arms: Arm[];
}

const pct = (hit: number, found: number): number => (found === 0 ? 100 : (hit * 100) / found);
const fmt = (hit: number, found: number): string => `${pct(hit, found).toFixed(2)}% (${hit}/${found})`;

/** Compresses sorted line numbers into ranges: 3, 5-7. */
function ranges(lines: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return out.join(", ");
}

function main(): void {
  const lcovPath = process.argv[2] ?? "coverage/lcov.info";
  if (!existsSync(lcovPath)) {
    console.error(`coverage: ${lcovPath} not found; run \`npx hardhat test --coverage\` first`);
    process.exit(1);
  }
  const reports: FileReport[] = [];
  for (const [file, hits] of [...readLcov(lcovPath)].sort(([a], [b]) => a.localeCompare(b))) {
    if (!file.startsWith("contracts/") || hits.size === 0) continue;
    const content = readFileSync(file, "utf8");
    const uncoveredLines = [...hits].filter(([, h]) => h === 0).map(([l]) => l);
    reports.push({
      file,
      linesHit: hits.size - uncoveredLines.length,
      linesFound: hits.size,
      uncoveredLines: uncoveredLines.sort((a, b) => a - b),
      arms: branchArms(content, parse(file, content), hits),
    });
  }

  const inScope = reports.filter((r) => !EXCLUDED.some((e) => r.file.startsWith(e.prefix)));
  const print = (title: string, rows: FileReport[]): { lh: number; lf: number; bh: number; bf: number } => {
    console.log(`\n${title}`);
    console.log("| File | Lines | Branches | Unobservable arms | Uncovered lines | Missed branches (line: arm) |");
    console.log("| --- | --- | --- | --- | --- | --- |");
    let [lh, lf, bh, bf] = [0, 0, 0, 0];
    for (const r of rows) {
      const observable = r.arms.filter((a) => a.state !== "unobservable");
      const taken = observable.filter((a) => a.state === "taken").length;
      const missed = observable.filter((a) => a.state === "missed").map((a) => `${a.line}: ${a.what}`);
      console.log(
        `| ${r.file} | ${fmt(r.linesHit, r.linesFound)} | ${fmt(taken, observable.length)} | ` +
          `${r.arms.length - observable.length} | ${ranges(r.uncoveredLines) || "-"} | ${missed.join("; ") || "-"} |`,
      );
      [lh, lf, bh, bf] = [lh + r.linesHit, lf + r.linesFound, bh + taken, bf + observable.length];
    }
    console.log(`| **Total** | ${fmt(lh, lf)} | ${fmt(bh, bf)} | | | |`);
    return { lh, lf, bh, bf };
  };

  const total = print("Product contracts (checked: lines >= 95%, branches >= 90%)", inScope);
  for (const e of EXCLUDED) {
    const rows = reports.filter((r) => r.file.startsWith(e.prefix));
    if (rows.length > 0) print(`Not checked: ${e.prefix} (${e.why})`, rows);
  }

  const failures: string[] = [];
  if (inScope.length === 0) failures.push(`no product contract found in ${lcovPath}`);
  if (pct(total.lh, total.lf) < LINE_THRESHOLD) {
    failures.push(`line coverage ${fmt(total.lh, total.lf)} is below ${LINE_THRESHOLD}%`);
  }
  if (pct(total.bh, total.bf) < BRANCH_THRESHOLD) {
    failures.push(`branch coverage ${fmt(total.bh, total.bf)} is below ${BRANCH_THRESHOLD}%`);
  }
  if (failures.length > 0) {
    console.error(`\ncoverage: FAILED: ${failures.join("; ")}. Files below a threshold:`);
    for (const r of inScope) {
      const observable = r.arms.filter((a) => a.state !== "unobservable");
      const taken = observable.filter((a) => a.state === "taken").length;
      const lowLines = pct(r.linesHit, r.linesFound) < LINE_THRESHOLD;
      const lowBranches = pct(taken, observable.length) < BRANCH_THRESHOLD;
      if (lowLines || lowBranches) {
        console.error(
          `  ${r.file}: lines ${fmt(r.linesHit, r.linesFound)}, branches ${fmt(taken, observable.length)}` +
            (r.uncoveredLines.length > 0 ? `; uncovered lines ${ranges(r.uncoveredLines)}` : ""),
        );
      }
    }
    process.exit(1);
  }
  console.log(
    `\ncoverage: OK: product contracts ${fmt(total.lh, total.lf)} of lines (>= ${LINE_THRESHOLD}%), ` +
      `${fmt(total.bh, total.bf)} of branches (>= ${BRANCH_THRESHOLD}%)`,
  );
}

main();
