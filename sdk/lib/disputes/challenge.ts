import type { ContractTransactionReceipt } from "ethers";

import type { SignedResultDisputes } from "../../../typechain-types/index.js";
import type { Hex } from "../settlement/item.js";
import { toBytes32 } from "../settlement/item.js";
import type { ZkCircuit } from "../zk/circuits.js";
import { encodeZkProof, proveInference } from "../zk/prove.js";
import type { SignedBatch } from "./records.js";

/** A ZK counter-claim for one settled SIGNED result: the output the circuit gives, with its proof. */
export interface Contradiction {
  provenOutputHash: Hex;
  proof: Hex;
  /** Whether the proven output differs from the signed one (only then is the result slashable). */
  contradicts: boolean;
}

/**
 * Proves with `circuit` (the model's registered circuit and its proving artifacts) what the model outputs for the disputed result's input and request id. The
 * challenger must know the input behind `inputHash` (the client does); the proof binds it through its hash.
 */
export async function proveContradiction(
  circuit: ZkCircuit,
  batch: SignedBatch,
  index: number,
  input: readonly bigint[],
): Promise<Contradiction> {
  const record = batch.records[index];
  if (record === undefined) throw new RangeError(`batch ${batch.batchId} has no result ${index}`);
  const { proof, publicSignals } = await proveInference(circuit, input, BigInt(record.requestId));
  if (toBytes32(publicSignals.inputHash) !== record.inputHash.toLowerCase()) {
    throw new Error(`the input does not hash to the disputed result's input hash ${record.inputHash}`);
  }
  const provenOutputHash = toBytes32(publicSignals.outputHash);
  return {
    provenOutputHash,
    proof: encodeZkProof(proof) as Hex,
    contradicts: provenOutputHash !== record.outputHash.toLowerCase(),
  };
}

/** Submits a challenge against result `index` of `batch`; resolves to the mined receipt. */
export async function challengeSignedResult(
  disputes: SignedResultDisputes,
  batch: SignedBatch,
  index: number,
  contradiction: Pick<Contradiction, "provenOutputHash" | "proof">,
): Promise<ContractTransactionReceipt> {
  if (index < 0 || index >= batch.records.length) throw new RangeError(`batch ${batch.batchId} has no result ${index}`);
  const tx = await disputes.challenge(
    batch.batchId,
    batch.records,
    index,
    contradiction.provenOutputHash,
    contradiction.proof,
  );
  const receipt = await tx.wait();
  if (receipt === null) throw new Error(`challenge transaction ${tx.hash} was dropped`);
  return receipt;
}
