import * as snarkjs from "snarkjs";

/** An in-memory witness file, as snarkjs reads and writes it. */
export interface MemoryWitness {
  type: "mem";
  data?: Uint8Array;
}

/** Computes the witness of `input` for the circuit whose witness generator is `wasm`. */
export async function calculateWitness(wasm: string, input: Record<string, unknown>): Promise<MemoryWitness> {
  const witness: MemoryWitness = { type: "mem" };
  await snarkjs.wtns.calculate(input, wasm, witness);
  return witness;
}

/**
 * A copy of `witness` with signal `index` set to `value`. Written by hand because snarkjs exports no witness writer:
 * a .wtns file is "wtns", version, section count, then sections (type u32, size u64); section 1 holds the field
 * element size n8, section 2 the values, n8 bytes little-endian each.
 */
export function withSignal(witness: MemoryWitness, index: number, value: bigint): MemoryWitness {
  const data = new Uint8Array(witness.data!);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let offset = 12;
  let n8 = 0;
  let valuesAt = -1;
  while (offset < data.length) {
    const type = view.getUint32(offset, true);
    const size = Number(view.getBigUint64(offset + 4, true));
    if (type === 1) n8 = view.getUint32(offset + 12, true);
    if (type === 2) valuesAt = offset + 12;
    offset += 12 + size;
  }
  if (n8 === 0 || valuesAt < 0) throw new Error("not a witness file");
  for (let byte = 0; byte < n8; byte++)
    data[valuesAt + index * n8 + byte] = Number((value >> BigInt(8 * byte)) & 0xffn);
  return { type: "mem", data };
}

/** Whether `witness` satisfies every constraint of the circuit in `r1csFile`. */
export async function satisfies(r1csFile: string, witness: MemoryWitness): Promise<boolean> {
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  return snarkjs.wtns.check(r1csFile, witness, silent);
}

/** The witness values, as bigints (index 0 is the constant 1, then outputs, public inputs, private inputs). */
export async function witnessValues(witness: MemoryWitness): Promise<bigint[]> {
  return snarkjs.wtns.exportJson(witness);
}
