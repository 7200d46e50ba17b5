import type { BaseWallet, TypedDataDomain } from "ethers";

import { Tier } from "../tiers.js";
import type { ZkCircuit } from "../zk/circuits.js";
import { encodeZkProof, proveInference } from "../zk/prove.js";
import type { Hex, Order } from "./item.js";
import { signResult } from "./typedData.js";

/** What a provider computed for an order, handed to the tier's prover. */
export interface InferenceOutcome {
  input: readonly bigint[];
  output: readonly bigint[];
  outputHash: Hex;
}

/** Produces the `proof` bytes of a settlement item in one tier. */
export interface ResultProver {
  readonly tier: Tier;
  prove(order: Order, outcome: InferenceOutcome): Promise<Hex>;
}

/**
 * ZK tier: a Groth16 proof from the model's circuit (its proving artifacts passed in), binding the request id, input
 * hash and output hash.
 */
export class ZkProver implements ResultProver {
  readonly tier = Tier.ZK;

  constructor(readonly circuit: ZkCircuit) {}

  async prove(order: Order, outcome: InferenceOutcome): Promise<Hex> {
    const { proof, publicSignals } = await proveInference(this.circuit, [...outcome.input], BigInt(order.requestId));
    if (publicSignals.outputHash !== BigInt(outcome.outputHash)) {
      throw new Error(
        `circuit ${this.circuit.instance.name} disagrees with the reference inference for ${order.requestId}`,
      );
    }
    return encodeZkProof(proof) as Hex;
  }
}

/**
 * An enclave holding a key registered in the TeeRegistry, as a provider reaches it: it signs the EIP-712
 * `InferenceResult` of an order and its output hash with that key, which never leaves it.
 */
export interface ResultSigningEnclave {
  signResult(domain: TypedDataDomain, order: Order, outputHash: Hex): Promise<Hex>;
}

/** TEE tier: the enclave signs the result with its attested key. */
export class EnclaveProver implements ResultProver {
  readonly tier = Tier.TEE;

  constructor(
    readonly enclave: ResultSigningEnclave,
    readonly domain: TypedDataDomain,
  ) {}

  prove(order: Order, outcome: InferenceOutcome): Promise<Hex> {
    return this.enclave.signResult(this.domain, order, outcome.outputHash);
  }
}

/** SIGNED tier: the provider's staked signer key vouches for the result. */
export class SignerProver implements ResultProver {
  readonly tier = Tier.SIGNED;

  constructor(
    readonly signer: BaseWallet,
    readonly domain: TypedDataDomain,
  ) {}

  prove(order: Order, outcome: InferenceOutcome): Promise<Hex> {
    return signResult(this.signer, this.domain, order, outcome.outputHash);
  }
}
