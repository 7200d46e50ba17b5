// circom_runtime ships no type declarations; this covers the witness calculator the tests use.
declare module "circom_runtime" {
  export interface WitnessCalculator {
    calculateWitness(input: Record<string, unknown>, sanityCheck: boolean): Promise<bigint[]>;
  }
  export function WitnessCalculatorBuilder(
    code: Uint8Array,
    options?: Record<string, unknown>,
  ): Promise<WitnessCalculator>;
}
