/**
 * An ABI-driven calldata fuzzer for the in-process Hardhat network: for every function of a contract's ABI it builds
 * well-typed random arguments (edge values first: 0, max, zero address, field and curve orders, duplicates) and
 * malformed encodings of them, runs each as an `eth_call` (and a sample as real transactions), and classifies what
 * happened. Written by hand because the fuzzers on the registry (fast-check, Echidna-style tools) know nothing of ABI
 * head/tail layout, which is where malformed calldata lives.
 *
 * Case classes and what each may end in (anything else is a failure):
 * - `valid`: random well-typed arguments. Success or a custom error.
 * - `semantic`: a known-good argument vector (a real settlement batch, proof, quote...) with one leaf replaced by an
 *   edge value of its type, or one array element duplicated, dropped or the array emptied. Success or a custom error.
 * - `trailing`: a valid encoding with random bytes appended. Solidity ignores trailing calldata, so exactly the outcome
 *   of the clean encoding.
 * - `truncated`: a valid encoding cut inside the selector, the head or the tail. Solidity's ABI decoder reverts with
 *   no data on calldata too short for what it reads; a cut that removed only bytes the function never reads (e.g. the
 *   zero padding after a `bytes` value) gives exactly the clean outcome. Those two only.
 * - `dirty`: a value word of an address, uintN/intN (N < 256), bool, bytesN (N < 32) or enum with bits set that its
 *   type does not allow. The decoder's validation reverts with no data; a field the function never reads (nested
 *   calldata fields are validated on access) gives exactly the clean outcome. Those two only.
 * - `pointer`: an ABI offset or length word replaced by a huge value (2^32, 2^64 - 1, 2^64, 2^255 - 1, or beyond
 *   calldata). Empty revert or, for a pointer the function never follows, exactly the clean outcome. Small, unaligned
 *   and negative pointer values are run too (class `pointer-odd`): anything but a failure kind. (Solidity checks
 *   nested offsets as signed words, so an offset of 2^256 - k points k bytes back into calldata: a non-standard
 *   encoding that decodes, e.g. two items sharing bytes. Every check then applies to what was read.)
 * - `random`: the selector followed by random bytes. Anything but a failure kind.
 * - `selector`: a selector the ABI does not have: the contract has no fallback, so an empty revert.
 *
 * Failure kinds, whatever the class: `Panic(uint256)`, `Error(string)`, revert data that is no custom error of the
 * system's ABIs, and an empty revert from a well-formed encoding (`valid`, `semantic`).
 */
import {
  FunctionFragment,
  Interface,
  concat,
  dataLength,
  getBytes,
  hexlify,
  id,
  toBeHex,
  zeroPadValue,
  type Signer,
} from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

/** A 0x-prefixed hex string. */
export type Hex = `0x${string}`;

/** One ABI parameter, as solc writes it (with `internalType`, which names enums). */
export interface AbiParam {
  name: string;
  type: string;
  internalType?: string;
  components?: readonly AbiParam[];
}

/** One ABI entry (only functions and errors are read). */
export interface AbiEntry {
  type: string;
  name?: string;
  inputs?: readonly AbiParam[];
  stateMutability?: string;
}

/** A deterministic PRNG (mulberry32): the same seed gives the same cases on every machine. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A uniform 32-bit unsigned integer. */
  next32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** A uniform integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.next32() % n;
  }
  chance(p: number): boolean {
    return this.next32() / 2 ** 32 < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(items.length)];
  }
  /** A uniform `bits`-bit unsigned bigint. */
  bits(bits: number): bigint {
    let value = 0n;
    for (let i = 0; i < bits; i += 32) value = (value << 32n) | BigInt(this.next32());
    return value & ((1n << BigInt(bits)) - 1n);
  }
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.next32() & 0xff;
    return out;
  }
}

/** BN254 scalar field order (public inputs of Groth16 proofs are below it). */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** BN254 base field order (proof coordinates are below it). */
export const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** secp256k1 group order. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** P-256 group order. */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** Values worth trying, beyond the type's own edges: addresses and 32-byte words of the deployed system. */
export interface Dictionary {
  addresses: readonly string[];
  words: readonly bigint[];
}

/** Sizes of the enums the ABIs use, keyed by canonical name (`IInferenceSettlement.Mode`, `Tier`). */
export type EnumSizes = ReadonlyMap<string, number>;

/** How an `eth_call` or a transaction ended. */
export interface Outcome {
  kind: "success" | "customError" | "emptyRevert" | "panic" | "errorString" | "unknownRevert";
  /** Return data (success) or revert data. */
  data: string;
  /** The custom error's name, for `customError`. */
  error?: string;
}

export const FAILURE_KINDS: ReadonlySet<Outcome["kind"]> = new Set(["panic", "errorString", "unknownRevert"]);

export type CaseClass =
  "valid" | "semantic" | "trailing" | "truncated" | "dirty" | "pointer" | "pointer-odd" | "random" | "selector";

/** A known-good argument vector for one function, and who should call it. */
export interface Seed {
  args: unknown[];
  from?: Signer;
}

/** One contract to fuzz. */
export interface FuzzTarget {
  name: string;
  address: string;
  abi: readonly AbiEntry[];
  /** Known-good argument vectors per function signature (`settle((bytes32,...)[],uint8)` as ethers formats it). */
  seeds?: Record<string, Seed[]>;
}

export interface FuzzOptions {
  seed: number;
  /** Cases per function and class (classes that do not apply to a function are skipped). */
  perClass: number;
  /** Callers of `eth_call`s; the first is a funded stranger with no role. */
  callers: readonly Signer[];
  /** The share of well-formed and malformed cases also sent as real transactions (state-changing functions only). */
  txShare: number;
  gas: bigint;
  dictionary: Dictionary;
  enums: EnumSizes;
  /** Selector → error name, for every custom error the system can revert with. */
  errors: ReadonlyMap<string, string>;
}

/** What the fuzzer did to one contract. */
export interface FuzzReport {
  target: string;
  /** Function signature → class → outcome kind → count. */
  counts: Map<string, Map<CaseClass, Map<string, number>>>;
  /** Custom error names seen, with counts. */
  errorsSeen: Map<string, number>;
  transactions: number;
  failures: string[];
  /** Selectors of the ABI's functions that were fuzzed. */
  fuzzedSelectors: Set<string>;
  cases: number;
}

const PANIC = "0x4e487b71";
const ERROR_STRING = "0x08c379a0";

/** Maps revert data to an outcome. */
export function classifyRevert(data: string, errors: ReadonlyMap<string, string>): Outcome {
  if (data === "0x" || data === "") return { kind: "emptyRevert", data: "0x" };
  const selector = data.slice(0, 10).toLowerCase();
  if (selector === PANIC) return { kind: "panic", data };
  if (selector === ERROR_STRING) return { kind: "errorString", data };
  const error = errors.get(selector);
  return error === undefined ? { kind: "unknownRevert", data } : { kind: "customError", data, error };
}

/** Every custom error of `abis`, by selector. */
export function errorSelectors(abis: readonly (readonly AbiEntry[])[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const abi of abis) {
    const iface = new Interface(abi as AbiEntry[]);
    iface.forEachError((fragment) => map.set(fragment.selector.toLowerCase(), fragment.name));
  }
  return map;
}

function revertData(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const data = (error as { data?: unknown }).data;
  if (typeof data === "string") return data;
  if (typeof data === "object" && data !== null && typeof (data as { data?: unknown }).data === "string") {
    return (data as { data: string }).data;
  }
  return undefined;
}

/** Runs `data` as an `eth_call` to `to` from `from`. */
export async function ethCall(
  connection: NetworkConnection,
  from: string,
  to: string,
  data: string,
  options: Pick<FuzzOptions, "gas" | "errors">,
  block: "latest" | "pending" = "latest",
): Promise<Outcome> {
  try {
    const result = await connection.provider.request({
      method: "eth_call",
      params: [{ from, to, data, gas: toBeHex(options.gas) }, block],
    });
    return { kind: "success", data: String(result) };
  } catch (error) {
    const raw = revertData(error);
    if (raw === undefined) throw error;
    return classifyRevert(raw, options.errors);
  }
}

/** Sends `data` to `to` as a real transaction from `signer` (fixed gas, no estimate) and classifies its end. */
export async function sendCase(signer: Signer, to: string, data: string, options: Pick<FuzzOptions, "gas" | "errors">) {
  try {
    const receipt = await (await signer.sendTransaction({ to, data, gasLimit: options.gas })).wait();
    if (receipt?.status !== 1) return { kind: "emptyRevert", data: "0x" } as Outcome;
    return { kind: "success", data: "" } as Outcome;
  } catch (error) {
    const raw = revertData(error);
    if (raw === undefined) throw error;
    return classifyRevert(raw, options.errors);
  }
}

// ------------------------------------------------------------------ types and values

interface ParsedType {
  kind: "uint" | "int" | "address" | "bool" | "bytesN" | "bytes" | "string" | "array" | "tuple" | "enum";
  bits: number; // uint/int width, bytesN length in bytes
  length?: number; // fixed array length; undefined for dynamic arrays
  element?: AbiParam; // array element
  enumSize?: number;
}

function parseType(param: AbiParam, enums: EnumSizes): ParsedType {
  const array = /^(.*)\[(\d*)\]$/.exec(param.type);
  if (array !== null) {
    const internal = param.internalType?.replace(/\[\d*\]$/, "");
    return {
      kind: "array",
      bits: 0,
      length: array[2] === "" ? undefined : Number(array[2]),
      element: { ...param, type: array[1], internalType: internal },
    };
  }
  if (param.internalType?.startsWith("enum ")) {
    const name = param.internalType.slice(5);
    const size = enums.get(name);
    if (size === undefined) throw new Error(`unknown enum ${name}: add it to the fuzzer's enum sizes`);
    return { kind: "enum", bits: 8, enumSize: size };
  }
  if (param.type === "tuple") return { kind: "tuple", bits: 0 };
  if (param.type === "address") return { kind: "address", bits: 160 };
  if (param.type === "bool") return { kind: "bool", bits: 8 };
  if (param.type === "bytes") return { kind: "bytes", bits: 0 };
  if (param.type === "string") return { kind: "string", bits: 0 };
  const uint = /^uint(\d*)$/.exec(param.type);
  if (uint !== null) return { kind: "uint", bits: uint[1] === "" ? 256 : Number(uint[1]) };
  const int = /^int(\d*)$/.exec(param.type);
  if (int !== null) return { kind: "int", bits: int[1] === "" ? 256 : Number(int[1]) };
  const fixed = /^bytes(\d+)$/.exec(param.type);
  if (fixed !== null) return { kind: "bytesN", bits: Number(fixed[1]) };
  throw new Error(`unsupported ABI type ${param.type}`);
}

function isDynamic(param: AbiParam, enums: EnumSizes): boolean {
  const t = parseType(param, enums);
  if (t.kind === "bytes" || t.kind === "string") return true;
  if (t.kind === "array") return t.length === undefined || isDynamic(t.element!, enums);
  if (t.kind === "tuple") return (param.components ?? []).some((c) => isDynamic(c, enums));
  return false;
}

function staticWords(param: AbiParam, enums: EnumSizes): number {
  const t = parseType(param, enums);
  if (t.kind === "array") return (t.length ?? 0) * staticWords(t.element!, enums);
  if (t.kind === "tuple") return (param.components ?? []).reduce((n, c) => n + staticWords(c, enums), 0);
  return 1;
}

/** Generates well-typed values, edge values first. */
export class ValueGenerator {
  constructor(
    private readonly prng: Prng,
    private readonly dictionary: Dictionary,
    private readonly enums: EnumSizes,
  ) {}

  /** An edge or random value of an unsigned `bits`-bit type. */
  uint(bits: number): bigint {
    const max = (1n << BigInt(bits)) - 1n;
    const edges = [0n, 1n, 2n, max, max - 1n, 1n << BigInt(bits - 1), BN254_R, BN254_R - 1n, BN254_Q, SECP256K1_N];
    const r = this.prng.int(10);
    let value: bigint;
    if (r < 4) value = this.prng.pick(edges);
    else if (r < 6) value = this.prng.bits(Math.min(bits, 16));
    else if (r < 7 && this.dictionary.words.length > 0) value = this.prng.pick(this.dictionary.words);
    else value = this.prng.bits(bits);
    return value & max;
  }

  value(param: AbiParam, depth = 0): unknown {
    const t = parseType(param, this.enums);
    switch (t.kind) {
      case "uint":
        return this.uint(t.bits);
      case "int": {
        const half = 1n << BigInt(t.bits - 1);
        const u = this.uint(t.bits);
        return u >= half ? u - 2n * half : u;
      }
      case "enum":
        return this.prng.int(t.enumSize!);
      case "bool":
        return this.prng.chance(0.5);
      case "address": {
        const r = this.prng.int(8);
        if (r < 2) return "0x0000000000000000000000000000000000000000";
        if (r < 6 && this.dictionary.addresses.length > 0) return this.prng.pick(this.dictionary.addresses);
        if (r < 7) return "0xffffffffffffffffffffffffffffffffffffffff";
        return zeroPadValue(toBeHex(this.prng.bits(160)), 20);
      }
      case "bytesN": {
        if (t.bits === 32) return zeroPadValue(toBeHex(this.uint(256)), 32);
        const r = this.prng.int(3);
        if (r === 0) return hexlify(new Uint8Array(t.bits));
        if (r === 1) return hexlify(new Uint8Array(t.bits).fill(0xff));
        return hexlify(this.prng.bytes(t.bits));
      }
      case "bytes":
        return hexlify(this.prng.bytes(this.prng.pick([0, 1, 31, 32, 64, 65, 66, 256, this.prng.int(400)])));
      case "string":
        return this.prng.pick(["", "a", "x".repeat(this.prng.int(80))]);
      case "tuple":
        return (param.components ?? []).map((c) => this.value(c, depth + 1));
      case "array": {
        const length = t.length ?? (depth > 1 ? this.prng.int(2) : this.prng.pick([0, 1, 1, 2, 3]));
        const items: unknown[] = [];
        for (let i = 0; i < length; i++) {
          // Duplicates: a dynamic array repeats its first element now and then.
          if (i > 0 && t.length === undefined && this.prng.chance(0.3)) items.push(clone(items[0]));
          else items.push(this.value(t.element!, depth + 1));
        }
        return items;
      }
    }
  }

  /** An edge value for one leaf of a known-good vector: the type's edges, or for `bytes` a damaged copy. */
  edge(param: AbiParam, current: unknown): unknown {
    const t = parseType(param, this.enums);
    if (t.kind === "bytes" && typeof current === "string") {
      const bytes = getBytes(current);
      const r = this.prng.int(6);
      if (r === 0) return "0x";
      if (r === 1 && bytes.length > 0) return hexlify(bytes.slice(0, this.prng.int(bytes.length)));
      if (r === 2) return hexlify(concat([bytes, this.prng.bytes(1 + this.prng.int(64))]));
      if (r === 3) return hexlify(new Uint8Array(bytes.length));
      const copy = Uint8Array.from(bytes);
      for (let k = 0; k < 1 + this.prng.int(3) && copy.length > 0; k++)
        copy[this.prng.int(copy.length)] ^= 1 << this.prng.int(8);
      return hexlify(copy);
    }
    return this.value(param, 2);
  }
}

// ------------------------------------------------------------------ encoding layout

/** A word of an encoding that a mutation may change: a narrow value, or an ABI offset or length. */
interface LayoutWord {
  at: number; // byte offset in the calldata (selector included)
  role: "value" | "offset" | "length";
  param?: AbiParam;
}

function word(data: Uint8Array, at: number): bigint {
  return BigInt(hexlify(data.slice(at, at + 32)));
}

/** Walks a standard ABI encoding of `params` (selector at 0) and lists its value, offset and length words. */
function layout(params: readonly AbiParam[], data: Uint8Array, enums: EnumSizes): LayoutWord[] {
  const out: LayoutWord[] = [];
  const walkTuple = (components: readonly AbiParam[], base: number) => {
    let at = base;
    for (const c of components) {
      if (isDynamic(c, enums)) {
        out.push({ at, role: "offset" });
        walkDynamic(c, base + Number(word(data, at)));
        at += 32;
      } else {
        walkStatic(c, at);
        at += 32 * staticWords(c, enums);
      }
    }
  };
  const walkStatic = (param: AbiParam, at: number) => {
    const t = parseType(param, enums);
    if (t.kind === "array") {
      const size = 32 * staticWords(t.element!, enums);
      for (let i = 0; i < t.length!; i++) walkStatic(t.element!, at + i * size);
    } else if (t.kind === "tuple") {
      walkTuple(param.components ?? [], at);
    } else {
      out.push({ at, role: "value", param });
    }
  };
  const walkDynamic = (param: AbiParam, at: number) => {
    const t = parseType(param, enums);
    if (t.kind === "bytes" || t.kind === "string") {
      out.push({ at, role: "length" });
    } else if (t.kind === "array") {
      if (t.length === undefined) {
        out.push({ at, role: "length" });
        const n = Number(word(data, at));
        walkTuple(Array<AbiParam>(n).fill(t.element!), at + 32);
      } else {
        walkTuple(Array<AbiParam>(t.length).fill(t.element!), at);
      }
    } else {
      walkTuple(param.components ?? [], at);
    }
  };
  walkTuple(params, 4);
  return out;
}

/** Sets bits that the word's type forbids: above the width of an address/uintN/bool/enum, wrong sign extension of an
 * intN, nonzero bytes after a bytesN. Returns undefined if the type has no forbidden bits. */
function dirtyWord(prng: Prng, param: AbiParam, value: bigint, enums: EnumSizes): bigint | undefined {
  const t = parseType(param, enums);
  const max256 = (1n << 256n) - 1n;
  switch (t.kind) {
    case "uint":
    case "address":
      if (t.bits === 256) return undefined;
      return value | (1n << BigInt(t.bits + prng.int(256 - t.bits)));
    case "bool":
      return prng.chance(0.5) ? BigInt(2 + prng.int(254)) : value | (1n << BigInt(8 + prng.int(248)));
    case "enum":
      return prng.chance(0.5)
        ? BigInt(t.enumSize! + prng.int(256 - t.enumSize!))
        : value | (1n << BigInt(8 + prng.int(248)));
    case "int": {
      if (t.bits === 256) return undefined;
      // A value whose bits above the width are not all copies of the sign bit.
      return (value ^ (1n << BigInt(t.bits + prng.int(256 - t.bits)))) & max256;
    }
    case "bytesN":
      if (t.bits === 32) return undefined;
      return value | (1n << BigInt(prng.int(8 * (32 - t.bits))));
    default:
      return undefined;
  }
}

function setWord(data: Uint8Array, at: number, value: bigint): Uint8Array {
  const copy = Uint8Array.from(data);
  copy.set(getBytes(zeroPadValue(toBeHex(value & ((1n << 256n) - 1n)), 32)), at);
  return copy;
}

// ------------------------------------------------------------------ leaves of argument vectors

interface Leaf {
  path: number[];
  param: AbiParam;
  array: boolean; // a dynamic array (a target for duplicate / drop / empty)
}

function leaves(params: readonly AbiParam[], values: unknown[], enums: EnumSizes, prefix: number[] = []): Leaf[] {
  const out: Leaf[] = [];
  params.forEach((param, i) => {
    const path = [...prefix, i];
    const t = parseType(param, enums);
    const value = values[i];
    if (t.kind === "tuple") {
      out.push(...leaves(param.components ?? [], value as unknown[], enums, path));
    } else if (t.kind === "array") {
      if (t.length === undefined) out.push({ path, param, array: true });
      const items = value as unknown[];
      items.forEach((_, k) => out.push(...leaves([t.element!], [items[k]], enums, [...path, k]).map(fixPath(path, k))));
    } else {
      out.push({ path, param, array: false });
    }
  });
  return out;
}

// `leaves([element], [item])` numbers the element 0; put it back at index k of the array at `path`.
function fixPath(path: number[], k: number) {
  return (leaf: Leaf): Leaf => ({ ...leaf, path: [...path, k, ...leaf.path.slice(path.length + 2)] });
}

/** A deep copy of an argument vector (nested arrays of primitives; ethers `Result`s become plain arrays). */
function clone<T>(value: T): T {
  return (Array.isArray(value) ? Array.from(value, (v: unknown) => clone(v)) : value) as T;
}

function getAt(values: unknown[], path: number[]): unknown {
  let node: unknown = values;
  for (const i of path) node = (node as unknown[])[i];
  return node;
}

function setAt(values: unknown[], path: number[], value: unknown): unknown[] {
  const copy = clone(values);
  let node: unknown[] = copy;
  for (const i of path.slice(0, -1)) node = node[i] as unknown[];
  node[path[path.length - 1]] = value;
  return copy;
}

// ------------------------------------------------------------------ the fuzzer

function sameOutcome(a: Outcome, b: Outcome): boolean {
  return a.kind === b.kind && a.data.toLowerCase() === b.data.toLowerCase();
}

function describe(outcome: Outcome): string {
  return outcome.kind === "customError" ? `${outcome.error}` : `${outcome.kind} ${outcome.data.slice(0, 74)}`;
}

/**
 * Fuzzes every function of `target` (see the module notice for the classes and what each may end in) and returns
 * the counts, the failures and the selectors fuzzed.
 */
export async function fuzzContract(
  connection: NetworkConnection,
  target: FuzzTarget,
  options: FuzzOptions,
): Promise<FuzzReport> {
  const prng = new Prng(options.seed ^ Number(BigInt(id(target.name)) & 0xffffffn));
  const generator = new ValueGenerator(prng, options.dictionary, options.enums);
  const iface = new Interface(target.abi as AbiEntry[]);
  const report: FuzzReport = {
    target: target.name,
    counts: new Map(),
    errorsSeen: new Map(),
    transactions: 0,
    failures: [],
    fuzzedSelectors: new Set(),
    cases: 0,
  };
  const callerAddresses = await Promise.all(options.callers.map((c) => c.getAddress()));

  const functions = target.abi.filter((e) => e.type === "function");
  const signatures = new Set(functions.map((f) => FunctionFragment.from(f).format("sighash")));
  for (const key of Object.keys(target.seeds ?? {})) {
    if (!signatures.has(key)) throw new Error(`${target.name} has no function ${key} to seed`);
  }
  for (const entry of functions) {
    const fragment = FunctionFragment.from(entry);
    const signature = fragment.format("sighash");
    const params = entry.inputs ?? [];
    const view = entry.stateMutability === "view" || entry.stateMutability === "pure";
    const seeds = target.seeds?.[signature] ?? [];
    const counts = new Map<CaseClass, Map<string, number>>();
    report.counts.set(signature, counts);
    report.fuzzedSelectors.add(fragment.selector);

    const count = (cls: CaseClass, outcome: Outcome) => {
      const byKind = counts.get(cls) ?? new Map<string, number>();
      counts.set(cls, byKind);
      const key = outcome.kind === "customError" ? `customError:${outcome.error}` : outcome.kind;
      byKind.set(key, (byKind.get(key) ?? 0) + 1);
      if (outcome.error) report.errorsSeen.set(outcome.error, (report.errorsSeen.get(outcome.error) ?? 0) + 1);
      report.cases++;
    };
    const fail = (cls: CaseClass, data: string, why: string) => {
      report.failures.push(`${target.name}.${signature} [${cls}] ${why}; calldata ${data.slice(0, 600)}`);
    };
    const pickCaller = (seed?: Seed) => {
      if (seed?.from !== undefined) return seed.from;
      return prng.chance(0.7) ? options.callers[0] : prng.pick(options.callers);
    };
    const call = async (caller: Signer, data: string, block: "latest" | "pending" = "latest") =>
      ethCall(connection, await caller.getAddress(), target.address, data, options, block);

    /** Runs one case; `expect` judges the outcome (returns why it is wrong, or undefined). */
    const run = async (
      cls: CaseClass,
      caller: Signer,
      data: string,
      expect: (o: Outcome) => string | undefined,
      transaction = false,
    ) => {
      const outcome = await call(caller, data);
      count(cls, outcome);
      if (FAILURE_KINDS.has(outcome.kind)) fail(cls, data, `ended in ${describe(outcome)}`);
      else {
        const why = expect(outcome);
        if (why !== undefined) fail(cls, data, why);
      }
      if (transaction && !view && prng.chance(options.txShare)) pending.push({ cls, caller, data });
      return outcome;
    };
    /** Sends the cases drawn for a real transaction, each right after an `eth_call` of it on the same state. */
    const pending: { cls: CaseClass; caller: Signer; data: string }[] = [];
    const flush = async () => {
      for (const { cls, caller, data } of pending.splice(0)) {
        // In the context of the block the transaction is mined in (block number and time matter to some checks).
        const called = await call(caller, data, "pending");
        const sent = await sendCase(caller, target.address, data, options);
        report.transactions++;
        if (FAILURE_KINDS.has(sent.kind)) fail(cls, data, `the transaction ended in ${describe(sent)}`);
        // The error's arguments may differ (block numbers and timestamps move between the call and the transaction).
        if ((sent.kind === "success") !== (called.kind === "success") || sent.error !== called.error) {
          fail(cls, data, `the transaction ended in ${describe(sent)}, the eth_call before it in ${describe(called)}`);
        }
      }
    };
    const wellFormed = (o: Outcome) =>
      o.kind === "success" || o.kind === "customError" ? undefined : `a well-formed encoding ended in ${describe(o)}`;
    const cleanOr = (clean: Outcome, allowed: Outcome["kind"][]) => (o: Outcome) =>
      allowed.includes(o.kind) || sameOutcome(o, clean)
        ? undefined
        : `ended in ${describe(o)}; expected ${allowed.join(" or ")} or the clean outcome ${describe(clean)}`;

    /** A base vector: a seed (mostly) or random values. */
    const base = (): { args: unknown[]; seed?: Seed } => {
      if (seeds.length > 0 && prng.chance(0.75)) {
        const seed = prng.pick(seeds);
        return { args: clone(seed.args), seed };
      }
      return { args: params.map((p) => generator.value(p)) };
    };
    const encode = (args: unknown[]) => iface.encodeFunctionData(fragment, args);

    for (let k = 0; k < options.perClass; k++) {
      // valid: random values (and each seed as is)
      const random = params.map((p) => generator.value(p));
      await run("valid", pickCaller(), encode(random), wellFormed, true);
      await flush();
    }
    for (const seed of seeds) await run("valid", pickCaller(seed), encode(seed.args), wellFormed, true);
    await flush();

    if (seeds.length > 0) {
      for (let k = 0; k < options.perClass * 2; k++) {
        const seed = prng.pick(seeds);
        const all = leaves(params, seed.args, options.enums);
        if (all.length === 0) break;
        const leaf = prng.pick(all);
        let args: unknown[];
        if (leaf.array) {
          const items = getAt(seed.args, leaf.path) as unknown[];
          const r = prng.int(3);
          const next =
            r === 0 || items.length === 0
              ? []
              : r === 1
                ? [...items, clone(prng.pick(items))]
                : items.filter((_, i) => i !== prng.int(items.length));
          args = setAt(seed.args, leaf.path, next);
        } else {
          args = setAt(seed.args, leaf.path, generator.edge(leaf.param, getAt(seed.args, leaf.path)));
        }
        await run("semantic", pickCaller(seed), encode(args), wellFormed, true);
        await flush();
      }
    }

    for (let k = 0; k < options.perClass; k++) {
      const { args, seed } = base();
      const caller = pickCaller(seed);
      const clean = encode(args);
      const cleanBytes = getBytes(clean);
      const cleanOutcome = await call(caller, clean);

      // trailing bytes: exactly the clean outcome
      const extra = prng.bytes(1 + prng.int(prng.chance(0.5) ? 31 : 160));
      await run(
        "trailing",
        caller,
        hexlify(concat([cleanBytes, extra])),
        (o) =>
          sameOutcome(o, cleanOutcome)
            ? undefined
            : `ended in ${describe(o)}, without the trailing bytes in ${describe(cleanOutcome)}`,
        true,
      );

      // truncation inside the selector, the head, the tail or the last word
      const headEnd =
        4 + 32 * params.reduce((n, p) => n + (isDynamic(p, options.enums) ? 1 : staticWords(p, options.enums)), 0);
      const cuts = [prng.int(4)];
      if (cleanBytes.length > 4) cuts.push(4 + prng.int(Math.max(1, Math.min(headEnd, cleanBytes.length) - 4)));
      if (cleanBytes.length > headEnd) cuts.push(headEnd + prng.int(cleanBytes.length - headEnd));
      if (cleanBytes.length > 4) cuts.push(cleanBytes.length - 1 - prng.int(Math.min(31, cleanBytes.length - 5)));
      const cut = prng.pick(cuts);
      await run("truncated", caller, hexlify(cleanBytes.slice(0, cut)), cleanOr(cleanOutcome, ["emptyRevert"]), true);

      const words = layout(params, cleanBytes, options.enums);
      // dirty bits in a narrow value word
      const narrow = words.flatMap((w) => {
        if (w.role !== "value" || w.param === undefined) return [];
        const dirty = dirtyWord(prng, w.param, word(cleanBytes, w.at), options.enums);
        return dirty === undefined ? [] : [{ at: w.at, dirty }];
      });
      if (narrow.length > 0) {
        const { at, dirty } = prng.pick(narrow);
        await run(
          "dirty",
          caller,
          hexlify(setWord(cleanBytes, at, dirty)),
          cleanOr(cleanOutcome, ["emptyRevert"]),
          true,
        );
      }
      // huge and odd offsets and lengths
      const pointers = words.filter((w) => w.role !== "value");
      if (pointers.length > 0) {
        const w = prng.pick(pointers);
        const size = BigInt(cleanBytes.length);
        // Below 2^255: Solidity compares nested offsets as signed words, so 2^255 and above are negative offsets that
        // point back into calldata (decodable; run in `pointer-odd`).
        const huge = prng.pick([(1n << 255n) - 1n, 1n << 64n, (1n << 64n) - 1n, 1n << 32n, size, size + 32n]);
        await run(
          "pointer",
          caller,
          hexlify(setWord(cleanBytes, w.at, huge)),
          cleanOr(cleanOutcome, ["emptyRevert"]),
          true,
        );
        const current = word(cleanBytes, w.at);
        const negative = (1n << 256n) - BigInt(32 * (1 + prng.int(8)));
        const odd = prng.pick([0n, 1n, current + 1n, current + 32n, current > 0n ? current - 1n : 2n, 0x20n, negative]);
        await run("pointer-odd", caller, hexlify(setWord(cleanBytes, w.at, odd)), () => undefined, true);
      }
      await flush();
    }

    for (let k = 0; k < Math.max(1, options.perClass / 2); k++) {
      const data = hexlify(concat([fragment.selector, prng.bytes(prng.int(400))]));
      await run("random", pickCaller(), data, () => undefined, true);
      await flush();
    }
  }

  // a selector the ABI does not have
  const known = new Set(functions.map((f) => FunctionFragment.from(f).selector));
  let selector: string;
  do selector = hexlify(prng.bytes(4));
  while (known.has(selector));
  const unknown = await ethCall(
    connection,
    callerAddresses[0],
    target.address,
    hexlify(concat([selector, prng.bytes(64)])),
    options,
  );
  report.cases++;
  if (unknown.kind !== "emptyRevert") {
    report.failures.push(`${target.name}: unknown selector ${selector} ended in ${describe(unknown)}`);
  }
  return report;
}
