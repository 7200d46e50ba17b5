import { Wallet, hexlify, type BaseWallet, type TypedDataDomain } from "ethers";

import type { Hex, Order } from "../../lib/settlement/item.js";
import { signResult } from "../../lib/settlement/typedData.js";
import { enclaveBinding, type EnclaveBindingContext } from "../../lib/tee/enclaveBinding.js";
import { HEARTBEAT_TYPES } from "../../lib/tee/heartbeat.js";
import { buildQuoteV4, sgxMeasurement, tdxMeasurement, type QuoteOptions, type QuotingPlatform } from "./quoteV4.js";
import { nitroMeasurement, signAttesterStatement, signedAttesterDomain } from "./signedAttester.js";
import { signTestAttestation, testVendor, testVendorDomain } from "./testVendor.js";

/**
 * The hardware identity of a simulated enclave: Intel SGX (MRENCLAVE, MRSIGNER), Intel TDX (MRTD, RTMR0-3) or AWS
 * Nitro (PCR0-2).
 */
export type TeeIdentity =
  | { tee: "sgx"; mrEnclave: Hex; mrSigner: Hex }
  | { tee: "tdx"; mrTd: Hex; rtmrs: [Hex, Hex, Hex, Hex] }
  | { tee: "nitro"; pcrs: [Hex, Hex, Hex] };

/** Options of a simulated enclave. */
export interface SimulatedEnclaveOptions {
  /** Simulate a debug-mode enclave (the registry must refuse it). */
  debug?: boolean;
  /** The enclave key; random when omitted, as an enclave would generate it. */
  key?: BaseWallet;
  /** The hardware identity it attests with (see `SimulatedEnclave.sgx` / `.tdx` / `.nitro`). */
  identity?: TeeIdentity;
}

/**
 * A simulated enclave: an image measurement and a secp256k1 key that never leaves it. It attests through the test
 * vendor adapter, or with an Intel DCAP quote v4 (SGX or TDX) from a simulated quoting platform when it has an Intel
 * identity, and signs results as a real enclave would.
 */
export class SimulatedEnclave {
  readonly #key: BaseWallet;

  /**
   * @param measurement the enclave image identity as the registry allows it (32 bytes)
   * @param options debug mode, key and Intel identity
   */
  constructor(
    readonly measurement: Hex,
    readonly options: SimulatedEnclaveOptions = {},
  ) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(measurement))
      throw new Error(`measurement must be 32 bytes of hex, got ${measurement}`);
    this.#key = options.key ?? Wallet.createRandom();
  }

  /** An SGX enclave; its measurement is its MRENCLAVE. */
  static sgx(mrEnclave: Hex, mrSigner: Hex, options: Omit<SimulatedEnclaveOptions, "identity"> = {}): SimulatedEnclave {
    return new SimulatedEnclave(sgxMeasurement(mrEnclave), {
      ...options,
      identity: { tee: "sgx", mrEnclave, mrSigner },
    });
  }

  /** A TDX trust domain; its measurement is keccak256(MRTD ‖ RTMR0 ‖ … ‖ RTMR3). */
  static tdx(
    mrTd: Hex,
    rtmrs: [Hex, Hex, Hex, Hex],
    options: Omit<SimulatedEnclaveOptions, "identity"> = {},
  ): SimulatedEnclave {
    return new SimulatedEnclave(tdxMeasurement(mrTd, rtmrs), { ...options, identity: { tee: "tdx", mrTd, rtmrs } });
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

  /** An AWS Nitro enclave; its measurement is keccak256(PCR0 ‖ PCR1 ‖ PCR2). */
  static nitro(pcrs: [Hex, Hex, Hex], options: Omit<SimulatedEnclaveOptions, "identity"> = {}): SimulatedEnclave {
    return new SimulatedEnclave(nitroMeasurement(...pcrs), { ...options, identity: { tee: "nitro", pcrs } });
  }

  /**
   * A statement by `attester` for the `SignedAttesterVerifier` at `verifier`, as the attester would sign it after
   * checking this enclave's attestation document, whose user_data is the registry binding of this key to `context`.
   */
  async attestViaAttester(
    attester: Wallet,
    verifier: string,
    context: EnclaveBindingContext,
    expiresAt: bigint,
  ): Promise<Hex> {
    return signAttesterStatement(attester, signedAttesterDomain(context.chainId, verifier), {
      measurement: this.measurement,
      reportData: enclaveBinding(this.address, context),
      debug: this.options.debug ?? false,
      expiresAt,
    });
  }

  /** A heartbeat for the TeeRegistry of `domain`: this key's signature over a recent block. */
  async signHeartbeat(domain: TypedDataDomain, blockNumber: number, blockHash: Hex): Promise<Hex> {
    return (await this.#key.signTypedData(domain, HEARTBEAT_TYPES, {
      enclaveKey: this.address,
      blockNumber,
      blockHash,
    })) as Hex;
  }

  /**
   * An Intel DCAP quote v4 from `platform` whose REPORTDATA is the registry binding of this key to `context` (then 32
   * zero bytes), for `DcapQuoteV4Verifier`.
   */
  dcapQuote(platform: QuotingPlatform, context: EnclaveBindingContext, options: QuoteOptions = {}): Hex {
    const identity = this.options.identity;
    if (identity === undefined || identity.tee === "nitro")
      throw new Error("this enclave has no Intel identity: use SimulatedEnclave.sgx or .tdx");
    const reportData = `${enclaveBinding(this.address, context)}${"00".repeat(32)}` as Hex;
    const debug = this.options.debug ?? false;
    const report =
      identity.tee === "sgx"
        ? { tee: "sgx" as const, mrEnclave: identity.mrEnclave, mrSigner: identity.mrSigner, debug, reportData }
        : { tee: "tdx" as const, mrTd: identity.mrTd, rtmrs: identity.rtmrs, debug, reportData };
    return hexlify(buildQuoteV4(platform, report, options).quote) as Hex;
  }

  /** Signs `order`'s output as this enclave (the TEE tier's proof). */
  async signResult(domain: TypedDataDomain, order: Order, outputHash: Hex): Promise<Hex> {
    return signResult(this.#key, domain, order, outputHash);
  }
}
