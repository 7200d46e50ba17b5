import { Wallet, id, type Signer, type TypedDataDomain } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { inferLinear, linearModel, type LinearModel } from "../../lib/models/linear.js";
import { Payment, type Hex } from "../../lib/settlement/item.js";
import { authorizeExactPayment, encodeExactAuthorization } from "../../lib/settlement/payments.js";
import { VoucherSession, type Voucher } from "../../lib/settlement/vouchers.js";
import { modelIdFor } from "../../lib/settlement/modelIds.js";
import { buildOrder } from "../../lib/settlement/order.js";
import { fulfilOrder, type FulfilledRequest, type Inference } from "../../lib/settlement/fulfil.js";
import { EnclaveProver, SignerProver, ZkProver, type ResultProver } from "../../lib/settlement/provers.js";
import { RequestIdAllocator } from "../../lib/settlement/requestIds.js";
import { readDomain, signOrder } from "../../lib/settlement/typedData.js";
import { SimulatedEnclave } from "../tee/enclave.js";
import { Tier } from "../../lib/tiers.js";
import { deployLocalSystem, type LocalSystem } from "./deploy.js";
import { fundClient, onboardDcapEnclave, onboardSigner, registerCircuitModel } from "./onboarding.js";
import { loadCircuitInstance, repositoryCircuit } from "../../tooling/zk/circuitFiles.js";

/** The circuit instance the local scenario serves. */
export const SCENARIO_CIRCUIT = "Linear_4";
/** Prices per tier in test-token units (6 decimals): stronger guarantees cost more. */
export const SCENARIO_PRICES: Record<Tier, bigint> = { [Tier.ZK]: 3_000n, [Tier.TEE]: 2_000n, [Tier.SIGNED]: 1_000n };
/** The simulated enclave image the TeeRegistry allows for the model. */
export const SCENARIO_MEASUREMENT: Hex = id("tierproof/enclave-image/linear-4/v1") as Hex;

/** A local deployment with one model, one provider serving it in all three tiers, and funded clients. */
export interface Scenario {
  connection: NetworkConnection;
  system: LocalSystem;
  domain: TypedDataDomain;
  /** The payment token's EIP-712 domain (for EIP-3009 `exact` payments). */
  tokenDomain: TypedDataDomain;
  modelId: Hex;
  model: LinearModel;
  infer: Inference;
  provider: Signer;
  signerKey: Wallet;
  enclave: SimulatedEnclave;
  clients: Signer[];
  provers: Record<Tier, ResultProver>;
  requestIds: Map<string, RequestIdAllocator>;
  /** Each client's voucher session with the provider, started from the chain on its first `Voucher` request. */
  voucherSessions: Map<string, VoucherSession>;
}

/**
 * Deploys the local system and brings everyone on board: registers the `Linear_4` model for all tiers, stakes and
 * registers the provider's signer key (account 1), registers its simulated enclave, and funds `clientCount` clients
 * (accounts 2..) with `deposit` each.
 */
export async function setUpScenario(
  connection: NetworkConnection,
  options: { clientCount?: number; deposit?: bigint } = {},
): Promise<Scenario> {
  const clientCount = options.clientCount ?? 3;
  const deposit = options.deposit ?? 1_000_000_000n;
  const system = await deployLocalSystem(connection);
  const signers = await connection.ethers.getSigners();
  if (signers.length < 2 + clientCount)
    throw new Error(`need ${2 + clientCount} accounts, the network has ${signers.length}`);
  const [admin, provider] = signers;
  const clients = signers.slice(2, 2 + clientCount);

  const model = linearModel(loadCircuitInstance(SCENARIO_CIRCUIT));
  const modelId = modelIdFor(await admin.getAddress(), SCENARIO_CIRCUIT);
  const shape = { inputSize: model.weights.length, outputSize: 1, fracBits: model.fracBits };
  await registerCircuitModel(
    system.modelRegistry,
    admin,
    modelId,
    SCENARIO_CIRCUIT,
    shape,
    system.linear4Verifier,
    SCENARIO_PRICES,
  );

  const signerKey = new Wallet(id("tierproof/local/signer-key"));
  await onboardSigner(system.token, system.signerRegistry, provider, signerKey, await system.signerRegistry.minStake());

  // An SGX enclave (MRENCLAVE = the measurement) registered with a DCAP quote v4 under the sdk/testing/tee test chain
  const enclave = SimulatedEnclave.sgx(SCENARIO_MEASUREMENT, id("tierproof/enclave-signer") as Hex);
  await (await system.teeRegistry.connect(admin).allowMeasurement(modelId, SCENARIO_MEASUREMENT)).wait();
  await onboardDcapEnclave(system.teeRegistry, system.dcapVerifier, provider, enclave, modelId);

  for (const client of clients) await fundClient(system.token, system.settlement, client, deposit);

  const domain = await readDomain(system.settlement);
  const tokenDomain = await readDomain(system.token);
  return {
    connection,
    system,
    domain,
    tokenDomain,
    modelId,
    model,
    infer: (input) => [inferLinear(model, [...input])],
    provider,
    signerKey,
    enclave,
    clients,
    provers: {
      [Tier.ZK]: new ZkProver(repositoryCircuit(SCENARIO_CIRCUIT)),
      [Tier.TEE]: new EnclaveProver(enclave, domain),
      [Tier.SIGNED]: new SignerProver(signerKey, domain),
    },
    requestIds: new Map(),
    voucherSessions: new Map(),
  };
}

/** One client request in the scenario: who asks, in which tier, on what input. */
export interface ScenarioRequest {
  client: Signer;
  tier: Tier;
  input: readonly bigint[];
  /** Defaults to the model's price for the tier. */
  price?: bigint;
  /** Defaults to one hour after the latest block. */
  deadline?: bigint;
  requestId?: Hex;
  /** How the client pays: `Escrow` (default, signed order), `Exact` (EIP-3009) or `Voucher` (its session's voucher). */
  payment?: Payment;
  /** For `Exact`: the authorisation's `validBefore`; defaults to the order's deadline. */
  validBefore?: bigint;
}

/** A fulfilled scenario request; `voucher` is the client's latest voucher when the request is paid by voucher. */
export interface ScenarioFulfilment extends FulfilledRequest {
  voucher?: Voucher;
}

/**
 * Runs one request end to end off chain: the client authorises the order in the requested payment form (signed
 * order, EIP-3009 authorisation, or voucher), the provider infers and proves.
 */
export async function requestInference(scenario: Scenario, request: ScenarioRequest): Promise<ScenarioFulfilment> {
  const clientAddress = await request.client.getAddress();
  let ids = scenario.requestIds.get(clientAddress);
  if (ids === undefined) {
    ids = new RequestIdAllocator();
    scenario.requestIds.set(clientAddress, ids);
  }
  const latest = await scenario.connection.ethers.provider.getBlock("latest");
  if (latest === null) throw new Error("could not read the latest block");
  const order = buildOrder({
    requestId: request.requestId ?? ids.next(),
    modelId: scenario.modelId,
    client: clientAddress,
    provider: await scenario.provider.getAddress(),
    tier: request.tier,
    input: request.input,
    price: request.price ?? SCENARIO_PRICES[request.tier],
    deadline: request.deadline ?? BigInt(latest.timestamp) + 3600n,
  });
  const payment = request.payment ?? Payment.Escrow;
  const prover = scenario.provers[request.tier];
  if (payment === Payment.Exact) {
    const authorization = await authorizeExactPayment(request.client, scenario.domain, scenario.tokenDomain, order, {
      validBefore: request.validBefore ?? order.deadline,
    });
    return fulfilOrder(order, encodeExactAuthorization(authorization), request.input, scenario.infer, prover, payment);
  }
  if (payment === Payment.Voucher) {
    let session = scenario.voucherSessions.get(clientAddress);
    if (session === undefined) {
      session = await VoucherSession.fromChain(
        scenario.system.settlement,
        request.client,
        scenario.domain,
        order.provider,
      );
      scenario.voucherSessions.set(clientAddress, session);
    }
    const voucher = await session.authorize(order);
    return { ...(await fulfilOrder(order, "0x", request.input, scenario.infer, prover, payment)), voucher };
  }
  const clientSignature = await signOrder(request.client, scenario.domain, order);
  return fulfilOrder(order, clientSignature, request.input, scenario.infer, prover);
}

/** A deterministic pseudo-random fixed-point input for the scenario's model (|x| < 2^12, scale 2^fracBits). */
export function sampleInput(model: LinearModel, seed: number): bigint[] {
  let state = (seed * 2654435761 + 1) >>> 0;
  return model.weights.map(() => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return BigInt((state % 8192) - 4096);
  });
}
