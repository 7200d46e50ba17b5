import { Payment, type Hex, type Order, type SettlementItem } from "./item.js";
import { commitVector } from "./order.js";
import type { ResultProver } from "./provers.js";

/** A model's reference inference: fixed-point input to fixed-point output, bit-exact with its circuit. */
export type Inference = (input: readonly bigint[]) => bigint[];

/** A fulfilled request: the settlement item and the output it commits to. */
export interface FulfilledRequest {
  item: SettlementItem;
  output: bigint[];
}

/**
 * The provider's side of one request: run the model on the input the order committed to, prove the result in the
 * order's tier, and assemble the settlement item. `clientSignature` is the client's authorisation in the form
 * `payment` takes (see `Payment`; empty for `Voucher`).
 */
export async function fulfilOrder(
  order: Order,
  clientSignature: Hex,
  input: readonly bigint[],
  infer: Inference,
  prover: ResultProver,
  payment: Payment = Payment.Escrow,
): Promise<FulfilledRequest> {
  if (!(payment in Payment)) throw new Error(`unknown payment kind ${payment}`);
  if (prover.tier !== order.tier) {
    throw new Error(`order ${order.requestId} asks for tier ${order.tier}, the prover proves tier ${prover.tier}`);
  }
  if (commitVector(input) !== order.inputHash) {
    throw new Error(`input does not match the input hash of order ${order.requestId}`);
  }
  const output = infer(input);
  const outputHash = commitVector(output);
  const proof = await prover.prove(order, { input, output, outputHash });
  return { item: { ...order, outputHash, proof, clientSignature, payment }, output };
}
