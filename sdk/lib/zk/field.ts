/** BN254 scalar field order: Groth16 public inputs and circuit values live below it. */
export const SNARK_SCALAR_FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** A signed integer as a field element (negative v becomes p - |v|). Throws if |v| is not below p/2. */
export function toField(value: bigint): bigint {
  if (value >= SNARK_SCALAR_FIELD / 2n || -value >= SNARK_SCALAR_FIELD / 2n) {
    throw new RangeError(`|${value}| is too large to be a signed field element`);
  }
  return value < 0n ? value + SNARK_SCALAR_FIELD : value;
}

/** A field element as a signed integer: elements above p/2 are negative. */
export function fromField(element: bigint): bigint {
  if (element < 0n || element >= SNARK_SCALAR_FIELD) throw new RangeError(`${element} is not a field element`);
  return element > SNARK_SCALAR_FIELD / 2n ? element - SNARK_SCALAR_FIELD : element;
}
