/**
 * The TypeScript reference of circuits/lib/fixedpoint.circom, bit-exact with it: signed integers scaled by 2^S.
 * Each function checks the same ranges the circuit proves and throws where the circuit would have no witness.
 */

function checkSigned(value: bigint, bits: number, what: string): void {
  const bound = 1n << BigInt(bits - 1);
  if (value < -bound || value >= bound)
    throw new RangeError(`${what} = ${value} is outside the signed ${bits}-bit range`);
}

/** floor(x / 2^shift) for a signed x of `bits` bits (circuit: Rescale(bits, shift)). */
export function rescale(x: bigint, bits: number, shift: number): bigint {
  checkSigned(x, bits, "rescale input");
  const divisor = 1n << BigInt(shift);
  // BigInt division truncates toward zero; floor needs one less for negative inexact quotients.
  const quotient = x / divisor;
  return x < 0n && quotient * divisor !== x ? quotient - 1n : quotient;
}

/** max(x, 0) for a signed x of `bits` bits (circuit: ReLU(bits)). */
export function relu(x: bigint, bits: number): bigint {
  checkSigned(x, bits, "relu input");
  return x > 0n ? x : 0n;
}

/** The first index of the maximum and the maximum, for signed values of `bits` bits (circuit: ArgMax(N, bits)). */
export function argmax(values: readonly bigint[], bits: number): { index: number; max: bigint } {
  if (values.length === 0) throw new Error("argmax of an empty vector");
  values.forEach((v, i) => checkSigned(v, bits, `argmax input ${i}`));
  let index = 0;
  for (let j = 1; j < values.length; j++) if (values[j] > values[index]) index = j;
  return { index, max: values[index] };
}

/** floor(clamp(x + 2^(S+1), 0, 2^(S+2)) / 4): a hard sigmoid at scale 2^S (circuit: HardSigmoid(bits, S)). */
export function hardSigmoid(x: bigint, bits: number, scaleBits: number): bigint {
  checkSigned(x, bits, "sigmoid input");
  const shifted = x + (1n << BigInt(scaleBits + 1));
  const top = 1n << BigInt(scaleBits + 2);
  const clamped = shifted < 0n ? 0n : shifted > top ? top : shifted;
  return clamped / 4n;
}
