/**
 * Where the gas of a steady-state batched (voucher) x402 batch goes: traces the second of two 100-item batches
 * (4 clients, one provider, Atomic) of the TEE and SIGNED tiers, as bench/x402-gas.ts settles them, and sums the
 * top-level gas by opcode class. Run: `npm run bench:x402-gas-trace` (PROFILE=1 adds gas per function and source line).
 */
import { readFileSync } from "node:fs";

import { network } from "hardhat";

import { setUpScenario } from "../sdk/testing/local/scenario.js";
import { Payment } from "../sdk/lib/settlement/item.js";
import { submitBatch } from "../sdk/lib/settlement/submit.js";
import { Mode, Tier } from "../sdk/lib/tiers.js";

import { BATCH, CLIENTS, authorised, provenBatches } from "./x402Batches.js";

const connection = await network.create();
const scenario = await setUpScenario(connection, { clientCount: CLIENTS });
const { settlement } = scenario.system;
const snapshot = await connection.networkHelpers.takeSnapshot();

interface StructLog {
  pc: number;
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

function classify(op: string): string {
  if (op.startsWith("LOG")) return op;
  if (op === "SSTORE" || op === "SLOAD") return op;
  if (op === "TSTORE" || op === "TLOAD") return "TSTORE/TLOAD";
  if (op === "KECCAK256") return "KECCAK256";
  if (op.startsWith("MSTORE") || op === "MLOAD" || op === "MCOPY") return "MLOAD/MSTORE/MCOPY";
  if (op === "CALLDATACOPY" || op === "CALLDATALOAD") return "CALLDATA*";
  if (op.startsWith("PUSH") || op.startsWith("DUP") || op.startsWith("SWAP") || op === "POP") return "stack";
  if (op === "JUMP" || op === "JUMPI" || op === "JUMPDEST") return "jumps";
  if (
    [
      "ADD",
      "SUB",
      "MUL",
      "DIV",
      "AND",
      "OR",
      "XOR",
      "SHL",
      "SHR",
      "LT",
      "GT",
      "EQ",
      "ISZERO",
      "NOT",
      "SLT",
      "SGT",
      "BYTE",
      "MOD",
      "ADDMOD",
      "MULMOD",
      "EXP",
      "SAR",
      "SIGNEXTEND",
      "SDIV",
      "SMOD",
    ].includes(op)
  )
    return "arith";
  return op;
}

/** Source line (file:line, function) of each pc of the settlement's deployed code, from solc's source map. */
function pcLines(): Map<number, string> {
  const artifact = JSON.parse(
    readFileSync(
      new URL("../artifacts/contracts/settlement/InferenceSettlement.sol/InferenceSettlement.json", import.meta.url),
      "utf8",
    ),
  );
  const output = JSON.parse(
    readFileSync(new URL(`../artifacts/build-info/${artifact.buildInfoId}.output.json`, import.meta.url), "utf8"),
  ).output;
  const input = JSON.parse(
    readFileSync(new URL(`../artifacts/build-info/${artifact.buildInfoId}.json`, import.meta.url), "utf8"),
  ).input;
  const evm = output.contracts[artifact.inputSourceName].InferenceSettlement.evm.deployedBytecode;
  const code = Buffer.from(evm.object.replace(/__\$[0-9a-f]{34}\$__/g, "00".repeat(20)), "hex");
  const files: string[] = [];
  for (const [name, source] of Object.entries(output.sources as Record<string, { id: number }>))
    files[source.id] = name;
  const entries = (evm.sourceMap as string).split(";");
  const result = new Map<number, string>();
  let [s, l, f] = [0, 0, -1];
  let pc = 0;
  for (let i = 0; pc < code.length && i < entries.length; i++) {
    const parts = entries[i].split(":");
    if (parts[0] !== undefined && parts[0] !== "") s = Number(parts[0]);
    if (parts[1] !== undefined && parts[1] !== "") l = Number(parts[1]);
    if (parts[2] !== undefined && parts[2] !== "") f = Number(parts[2]);
    let where = "(compiler)";
    if (f >= 0 && files[f] !== undefined) {
      const text: string = input.sources[files[f]]?.content ?? "";
      const line = text.slice(0, s).split("\n").length;
      const before = text.slice(0, s);
      const fn = [...before.matchAll(/function (\w+)/g)].at(-1)?.[1] ?? "?";
      where = `${files[f].split("/").at(-1)}:${line} ${fn}`;
      void l;
    }
    result.set(pc, where);
    const op = code[pc];
    pc += op >= 0x60 && op <= 0x7f ? op - 0x5e : 1;
  }
  return result;
}
const lines = process.env.PROFILE ? pcLines() : new Map<number, string>();

for (const tier of [Tier.TEE, Tier.SIGNED]) {
  await snapshot.restore();
  const { first, next, vouchers } = await authorised(scenario, await provenBatches(scenario, tier), Payment.Voucher);
  await submitBatch(settlement, first, Mode.Atomic, vouchers[0]);
  const { receipt } = await submitBatch(settlement, next, Mode.Atomic, vouchers[1]);
  const tx = await connection.ethers.provider.getTransaction(receipt.hash);
  const data = Buffer.from(tx!.data.slice(2), "hex");
  let zero = 0;
  for (const b of data) if (b === 0) zero++;
  const calldataGas = zero * 4 + (data.length - zero) * 16;
  const trace = (await connection.provider.request({
    method: "debug_traceTransaction",
    params: [receipt.hash, { disableStorage: true, disableMemory: true }],
  })) as { gas: number; structLogs: StructLog[] };
  const logs = trace.structLogs;

  const byClass = new Map<string, number>();
  const calls = new Map<string, number>();
  let memExpansion = 0;
  const byLine = new Map<string, number>();
  const byFunction = new Map<string, number>();
  // Top-level steps only: a step's cost is the gas drop to the next top-level step (a call's includes its callee).
  const top = logs.map((l, i) => [l, i] as const).filter(([l]) => l.depth === 1);
  for (let k = 0; k < top.length; k++) {
    const [l, i] = top[k];
    const cost = k + 1 < top.length ? l.gas - top[k + 1][0].gas : l.gasCost;
    const cls = classify(l.op);
    if (lines.size > 0) {
      const where = lines.get(l.pc) ?? "?";
      byLine.set(where, (byLine.get(where) ?? 0) + cost);
      const fn = where.split(" ")[1] ?? where;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + cost);
    }
    byClass.set(cls, (byClass.get(cls) ?? 0) + cost);
    if (l.op.endsWith("CALL")) {
      const stack = l.stack ?? [];
      const target = stack.length >= 2 ? stack[stack.length - 2] : "?";
      const key = `${l.op} ${BigInt(target) < 0x100n ? `precompile ${BigInt(target)}` : target.slice(-8)}`;
      calls.set(key, (calls.get(key) ?? 0) + cost);
    }
    void i;
  }
  // Memory expansion: MSTORE/MLOAD/MCOPY etc. cost beyond their static base (3, or 3 + 3/word for copies).
  for (let k = 0; k + 1 < top.length; k++) {
    const [l] = top[k];
    const cost = l.gas - top[k + 1][0].gas;
    if (l.op === "MSTORE" || l.op === "MLOAD" || l.op === "MSTORE8") memExpansion += cost - 3;
  }
  const total = Number(receipt.gasUsed);
  console.log(`\n=== ${Tier[tier]} batched, steady-state batch: ${total} gas (${total / BATCH} per item)`);
  console.log(
    `calldata: ${data.length} bytes (${zero} zero), ${calldataGas} gas (${calldataGas / BATCH} per item); intrinsic 21000`,
  );
  console.log(`execution (trace): ${trace.gas}`);
  const rows = [...byClass.entries()].sort((a, b) => b[1] - a[1]);
  for (const [cls, gas] of rows)
    console.log(`  ${cls.padEnd(22)} ${String(gas).padStart(9)}  ${(gas / BATCH).toFixed(1)}/item`);
  console.log(`  (of which MLOAD/MSTORE memory expansion beyond base: ${memExpansion})`);
  for (const [key, gas] of calls) console.log(`  call ${key}: ${gas}`);
  if (lines.size > 0) {
    console.log("by function:");
    for (const [fn, gas] of [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
      console.log(`  ${fn.padEnd(30)} ${String(gas).padStart(9)}  ${(gas / BATCH).toFixed(1)}/item`);
    }
    console.log("by line:");
    for (const [where, gas] of [...byLine.entries()].sort((a, b) => b[1] - a[1]).slice(0, 60)) {
      console.log(`  ${where.padEnd(50)} ${String(gas).padStart(9)}  ${(gas / BATCH).toFixed(1)}/item`);
    }
  }
}
