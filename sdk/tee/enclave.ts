import { AbiCoder, Wallet, keccak256, type BaseWallet, type TypedDataDomain } from "ethers";

import type { Hex, Order } from "../settlement/item.js";
import { signResult } from "../settlement/typedData.js";
import { signTestAttestation, testVendor, testVendorDomain } from "./testVendor.js";

/** Where and by whom an enclave registers, and the block whose hash its attestation binds. */
export interface EnclaveBindingContext {
  /** The account that will call `registerEnclave` (or `reattest`) and be paid for the enclave's results. */
  operator: string;
  chainId: bigint;
  registry: string;
  bindingBlockHash: Hex;
}

/**
 * The report data the TeeRegistry expects: keccak256(abi.encode(enclaveKey, operator, chainId, registry, blockhash)).
 * Mirrors `TeeRegistry.enclaveBinding`.
 */
export function enclaveBinding(enclaveKey: string, context: EnclaveBindingContext): Hex {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(
      ["address", "address", "uint256", "address", "bytes32"],
      [enclaveKey, context.operator, context.chainId, context.registry, context.bindingBlockHash],
    ),
  ) as Hex;
}

/**
 * A simulated enclave: an image measurement and a secp256k1 key that never leaves it. It attests through the test
 * vendor (standing in for the hardware vendor's certificate chain) and signs results as a real enclave would.
 */
export class SimulatedEnclave {
  readonly #key: BaseWallet;

  /**
   * @param measurement the enclave image identity (MRENCLAVE-like, 32 bytes)
   * @param options.debug simulate a debug-mode enclave (the registry must refuse it)
   * @param options.key the enclave key; random when omitted, as an enclave would generate it
   */
  constructor(
    readonly measurement: Hex,
    readonly options: { debug?: boolean; key?: BaseWallet } = {},
  ) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(measurement))
      throw new Error(`measurement must be 32 bytes of hex, got ${measurement}`);
    this.#key = options.key ?? Wallet.createRandom();
  }

  /** The enclave's public identity: the address of its key. */
  get address(): string {
    return this.#key.address;
  }

  /** An attestation for the test vendor adapter at `verifier`, binding this key to `context`. */
  async attest(verifier: string, context: EnclaveBindingContext): Promise<Hex> {
    return signTestAttestation(testVendor(), testVendorDomain(context.chainId, verifier), {
      measurement: this.measurement,
      reportData: enclaveBinding(this.address, context),
      debug: this.options.debug ?? false,
    });
  }

  /** Signs `order`'s output as this enclave (the TEE tier's proof). */
  async signResult(domain: TypedDataDomain, order: Order, outputHash: Hex): Promise<Hex> {
    return signResult(this.#key, domain, order, outputHash);
  }
}
