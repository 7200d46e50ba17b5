import { AbiCoder, getAddress, verifyTypedData, type TypedDataDomain } from "ethers";
import * as snarkjs from "snarkjs";

import type { Hex, Order } from "../settlement/item.js";
import { commitVector } from "../settlement/order.js";
import { RESULT_TYPES, hashOrderStruct } from "../settlement/typedData.js";
import { Tier } from "../tiers.js";
import type { ZkCircuit } from "../zk/circuits.js";
import { hashVector } from "../zk/poseidon.js";
import { readVerificationKey, verifyingKeyHash } from "../zk/verifyingKey.js";
import type { TierproofChain } from "./chain.js";

/** What the client knows when a result arrives: its own order and what the gateway answered. */
export interface ResultToCheck {
  order: Order;
  output: readonly bigint[];
  outputHash: Hex;
  proof: Hex;
  /**
   * ZK tier: the model's circuit, with its verifying key (and, for a private-weights circuit checked without a chain,
   * the weights whose commitment the proof must carry).
   */
  circuit?: ZkCircuit;
  /** The settlement contract's EIP-712 domain (TEE and SIGNED results are signed under it). */
  domain: TypedDataDomain;
}

/** The outcome of a local check: what was checked, and who proved the result. */
export interface ResultCheck {
  tier: Tier;
  /** The key that signed a TEE or SIGNED result. */
  signer?: string;
  /** Which registry facts were checked on chain (empty without a chain). */
  onChain: string[];
}

/**
 * Checks a paid result locally, before relying on it: the output hashes to `outputHash`; then by tier,
 * - ZK: the Groth16 proof verifies (snarkjs) for the public signals [order.inputHash, outputHash, requestId] under the
 *   circuit's committed verifying key and, with `chain`, that key's hash is the one the ModelRegistry holds; for a
 *   private-weights circuit the signals are [order.inputHash, outputHash, weightsCommitment, requestId], as settlement
 *   checks them, with the commitment the ModelRegistry holds (with `chain`, which must also mark the model
 *   private-weights) or else the commitment of the circuit's trained weights;
 * - TEE / SIGNED: the proof is an EIP-712 `InferenceResult` signature of this order and output under the settlement
 *   contract's domain and, with `chain`, its key is an active enclave of this model (TEE) or an active staked signer
 *   (SIGNED) owned by the order's provider.
 * Throws with what failed.
 */
export async function checkResult(result: ResultToCheck, chain?: TierproofChain): Promise<ResultCheck> {
  const { order } = result;
  if (commitVector(result.output) !== result.outputHash.toLowerCase()) {
    throw new Error("the output does not hash to the outputHash the proof binds");
  }
  const onChain: string[] = [];
  if (order.tier === Tier.ZK) {
    const { circuit } = result;
    if (circuit?.verificationKey === undefined)
      throw new Error("a ZK result needs its circuit's verifying key to check");
    const name = circuit.instance.name;
    const vk = readVerificationKey(circuit.verificationKey);
    const privateWeights = circuit.instance.weightsOf !== undefined;
    if (privateWeights && chain === undefined && circuit.weights === undefined) {
      throw new Error(`circuit ${name} has private weights: give its weights, or a chain to read their commitment`);
    }
    let binding: bigint | undefined =
      privateWeights && circuit.weights !== undefined ? hashVector(circuit.weights.vector) : undefined;
    if (chain !== undefined) {
      const model = await chain.modelRegistry.getModel(order.modelId);
      if (model.verifyingKeyHash.toLowerCase() !== verifyingKeyHash(vk).toLowerCase()) {
        throw new Error(`the verifying key of ${name} is not the one model ${order.modelId} registered`);
      }
      onChain.push("verifying key hash = ModelRegistry's");
      if (model.privateWeights !== privateWeights) {
        throw new Error(
          `model ${order.modelId} is registered with ${model.privateWeights ? "private" : "public"} weights, circuit ${name} has ${privateWeights ? "private" : "public"} ones`,
        );
      }
      if (privateWeights) {
        binding = BigInt(model.weightsCommitment);
        onChain.push("weights commitment = ModelRegistry's");
      }
    }
    const signals =
      binding === undefined
        ? [order.inputHash, result.outputHash, order.requestId]
        : [order.inputHash, result.outputHash, binding, order.requestId];
    const publicSignals = signals.map((v) => BigInt(v).toString());
    const ok = await snarkjs.groth16.verify(vk, publicSignals, decodeZkProof(result.proof));
    if (!ok) throw new Error("the Groth16 proof does not verify for this input, output, request id (and weights)");
    return { tier: order.tier, onChain };
  }

  let signer: string;
  try {
    signer = verifyTypedData(
      result.domain,
      RESULT_TYPES,
      { orderHash: hashOrderStruct(order), outputHash: result.outputHash },
      result.proof,
    );
  } catch {
    throw new Error("the proof is not a signature over this order's result");
  }
  if (chain !== undefined) {
    let owner: string;
    let active: boolean;
    if (order.tier === Tier.TEE) {
      const [operator, status] = await chain.teeRegistry.enclaveStatus(signer, order.modelId);
      [owner, active] = [operator, status === 1n];
      onChain.push("enclave key active for the model");
    } else {
      const [provider, status] = await chain.signerRegistry.signerStatus(signer);
      [owner, active] = [provider, status === 1n];
      onChain.push("signer key active and staked");
    }
    if (!active) throw new Error(`the ${Tier[order.tier]} key ${signer} is not active on chain`);
    if (getAddress(owner) !== getAddress(order.provider)) {
      throw new Error(`the ${Tier[order.tier]} key ${signer} belongs to ${owner}, not to provider ${order.provider}`);
    }
    onChain.push("key owned by the order's provider");
  }
  return { tier: order.tier, signer, onChain };
}

/** The snarkjs proof object of the settlement `proof` bytes (undoes `encodeZkProof` and the verifier's G2 swap). */
export function decodeZkProof(proof: Hex): snarkjs.SnarkjsProof {
  const [a, b, c] = AbiCoder.defaultAbiCoder().decode(
    ["uint256[2]", "uint256[2][2]", "uint256[2]"],
    proof,
  ) as unknown as [bigint[], bigint[][], bigint[]];
  const s = (v: bigint) => v.toString();
  return {
    pi_a: [s(a[0]), s(a[1]), "1"],
    pi_b: [
      [s(b[0][1]), s(b[0][0])],
      [s(b[1][1]), s(b[1][0])],
      ["1", "0"],
    ],
    pi_c: [s(c[0]), s(c[1]), "1"],
    protocol: "groth16",
    curve: "bn128",
  };
}
