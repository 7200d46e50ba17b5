import { Wallet, id, type ContractTransactionReceipt } from "ethers";
import type { NetworkConnection } from "hardhat/types/network";

import { challengeSignedResult, proveContradiction } from "../../lib/disputes/challenge.js";
import { signedBatchesFromLogs } from "../../lib/disputes/records.js";
import type { GasPaths } from "../../tooling/gas/snapshot.js";
import { inferLinear } from "../../lib/models/linear.js";
import { Payment, type Hex, type SettlementItem } from "../../lib/settlement/item.js";
import { modelIdFor } from "../../lib/settlement/modelIds.js";
import { EnclaveProver } from "../../lib/settlement/provers.js";
import { RequestIdAllocator } from "../../lib/settlement/requestIds.js";
import { submitBatch } from "../../lib/settlement/submit.js";
import type { Voucher } from "../../lib/settlement/vouchers.js";
import { SimulatedEnclave } from "../tee/enclave.js";
import { testAttester } from "../tee/signedAttester.js";
import { ALL_TIERS, Mode, Tier } from "../../lib/tiers.js";
import {
  fundClient,
  mined,
  onboardAttestedEnclave,
  onboardDcapEnclave,
  onboardSigner,
  registerCircuitModel,
} from "./onboarding.js";
import {
  SCENARIO_CIRCUIT,
  SCENARIO_PRICES,
  requestInference,
  sampleInput,
  setUpScenario,
  type Scenario,
} from "./scenario.js";
import { repositoryCircuit } from "../../tooling/zk/circuitFiles.js";

/**
 * The genesis date of the network the gas paths run on (pass it as `initialDate`): a fixed start keeps every
 * settlement in one statistics epoch (a day) and every timestamp-derived input (deadlines, certificate validity)
 * the same from run to run.
 */
export const GAS_PATHS_GENESIS = "2026-01-05T00:00:00Z";
/** Items per settlement batch in the measured paths. */
export const GAS_PATHS_BATCH = 10;

const HOUR = 3600;
const DAY = 24 * HOUR;
const PAYMENTS = [Payment.Escrow, Payment.Exact, Payment.Voucher] as const;
const PAYMENT_NAMES: Record<Payment, string> = {
  [Payment.Escrow]: "escrow",
  [Payment.Exact]: "exact",
  [Payment.Voucher]: "vouchers",
};
/** The fixed key of each extra party, from a label. */
const fixedWallet = (label: string) => new Wallet(id(`tierproof/gas-paths/${label}`));

/**
 * Deploys the local system on `connection` (created with `initialDate: GAS_PATHS_GENESIS`) and measures the gas
 * (receipt `gasUsed`, 21,000 base and calldata included) of each main path: settling a `GAS_PATHS_BATCH`-item batch
 * per tier and payment, a mixed-tier `Partial` batch with one rejected item, deposits and withdrawals, earnings,
 * registrations, revocations and a dispute. Inputs are deterministic: fixed keys, request ids, inputs and block
 * timestamps; each settlement path starts from the same state (a snapshot after onboarding). Only Groth16 proof bytes
 * (snarkjs draws fresh randomness per proof) and the block hashes attestations bind to differ between runs, which
 * moves a path by a few calldata gas (see `GAS_TOLERANCE`).
 */
export async function measureGasPaths(
  connection: NetworkConnection,
  log: (line: string) => void = () => {},
): Promise<GasPaths> {
  const { ethers, networkHelpers } = connection;
  const { time } = networkHelpers;
  const genesis = BigInt(Math.floor(Date.parse(GAS_PATHS_GENESIS) / 1000));
  const genesisBlock = await ethers.provider.getBlock(0);
  if (genesisBlock === null || BigInt(genesisBlock.timestamp) !== genesis) {
    throw new Error(`create the network with initialDate ${GAS_PATHS_GENESIS} (network.create({ override: ... }))`);
  }
  /** Mines an empty block at genesis + `offset` seconds, so what reads the latest block next reads a fixed time. */
  const pin = (offset: number) => time.increaseTo(genesis + BigInt(offset));

  const paths: GasPaths = {};
  const record = (path: string, receipt: ContractTransactionReceipt) => {
    if (path in paths) throw new Error(`gas path "${path}" measured twice`);
    paths[path] = Number(receipt.gasUsed);
    log(`${path}: ${receipt.gasUsed}`);
  };

  const scenario = await setUpScenario(connection, { clientCount: 3 });
  const { system, provider, modelId, clients } = scenario;
  const { admin } = system;
  const fund = async (wallet: Wallet) => {
    await networkHelpers.setBalance(wallet.address, 10n ** 20n);
    return wallet.connect(ethers.provider);
  };

  // --- onboarding: a second model, a second staked signer, a new client, enclaves by DCAP quote and attester --------
  await pin(HOUR);
  const secondModel = modelIdFor(await admin.getAddress(), `${SCENARIO_CIRCUIT} (gas paths)`);
  const shape = { inputSize: scenario.model.weights.length, outputSize: 1, fracBits: scenario.model.fracBits };
  record(
    "ModelRegistry.registerModel",
    await registerCircuitModel(
      system.modelRegistry,
      admin,
      secondModel,
      SCENARIO_CIRCUIT,
      shape,
      system.linear4Verifier,
      SCENARIO_PRICES,
    ),
  );
  const secondProvider = await fund(fixedWallet("provider"));
  const signer = await onboardSigner(
    system.token,
    system.signerRegistry,
    secondProvider,
    fixedWallet("signer-key"),
    await system.signerRegistry.minStake(),
  );
  record("SignerRegistry.stake", signer.stake);
  record("SignerRegistry.registerSigner", signer.register);
  record(
    "InferenceSettlement.depositFor (first deposit)",
    await fundClient(system.token, system.settlement, await fund(fixedWallet("client")), 1_000_000_000n),
  );

  const sgx = SimulatedEnclave.sgx(
    id("tierproof/gas-paths/sgx-image") as Hex,
    id("tierproof/gas-paths/vendor") as Hex,
    {
      key: fixedWallet("sgx-key"),
    },
  );
  const pcr = (byte: string) => `0x${byte.repeat(48)}` as Hex;
  const nitro = SimulatedEnclave.nitro([pcr("01"), pcr("02"), pcr("03")], { key: fixedWallet("nitro-key") });
  for (const enclave of [sgx, nitro]) {
    await mined(system.teeRegistry.connect(admin).allowMeasurement(modelId, enclave.measurement));
  }
  record(
    "TeeRegistry.registerEnclave (DCAP quote v4, SGX)",
    await onboardDcapEnclave(system.teeRegistry, system.dcapVerifier, provider, sgx, modelId),
  );
  record(
    "TeeRegistry.registerEnclave (signed attester, Nitro)",
    await onboardAttestedEnclave(
      system.teeRegistry,
      await system.signedAttesterVerifier.getAddress(),
      testAttester(),
      provider,
      nitro,
      modelId,
      genesis + BigInt(30 * DAY),
    ),
  );
  // `exact` payments are pulled from the clients' wallets (their minted tokens went into escrow).
  for (const client of clients) await mined(system.token.mint(await client.getAddress(), 1_000_000_000n));
  // TEE results come from the SGX enclave with the fixed key (the scenario's own enclave key is random).
  scenario.enclave = sgx;
  scenario.provers[Tier.TEE] = new EnclaveProver(sgx, scenario.domain);
  const onboarded = await networkHelpers.takeSnapshot();

  /** Back to the onboarded state at a fixed time, with fixed request ids and no voucher session. */
  const fresh = async () => {
    await onboarded.restore();
    await pin(2 * HOUR);
    scenario.requestIds.clear();
    scenario.voucherSessions.clear();
    for (const [index, client] of clients.entries()) {
      const base = (BigInt(id(`tierproof/gas-paths/request-ids/${index}`)) >> 24n) << 8n;
      scenario.requestIds.set(await client.getAddress(), new RequestIdAllocator(base));
    }
  };
  /** `count` requests over the clients in turn; the latest voucher of each client when paid by vouchers. */
  const requests = async (tiers: readonly Tier[], count: number, payment: Payment, wrongAt = -1) => {
    const items: SettlementItem[] = [];
    const inputs: bigint[][] = [];
    const vouchers = new Map<string, Voucher>();
    for (let i = 0; i < count; i++) {
      const input = sampleInput(scenario.model, i);
      // a provider that lies about one result (for the dispute path)
      const s: Scenario =
        i === wrongAt ? { ...scenario, infer: (x) => [inferLinear(scenario.model, [...x]) + 1n] } : scenario;
      const fulfilment = await requestInference(s, {
        client: clients[i % clients.length],
        tier: tiers[i % tiers.length],
        input,
        payment,
      });
      items.push(fulfilment.item);
      inputs.push(input);
      if (fulfilment.voucher !== undefined) vouchers.set(fulfilment.item.client, fulfilment.voucher);
    }
    return { items, inputs, vouchers: [...vouchers.values()] };
  };
  const settle = async (items: SettlementItem[], mode: Mode, vouchers: Voucher[] = [], rejected = 0) => {
    const result = await submitBatch(system.settlement, items, mode, vouchers);
    const bad = result.outcomes.filter((o) => !o.settled);
    if (bad.length !== rejected) {
      throw new Error(`expected ${rejected} rejected items, got ${bad.length}: ${bad.map((o) => o.reason).join("; ")}`);
    }
    return result.receipt;
  };

  // --- settlement: one batch per tier and payment, each from the onboarded state ------------------------------------
  for (const tier of ALL_TIERS) {
    for (const payment of PAYMENTS) {
      await fresh();
      const { items, vouchers } = await requests([tier], GAS_PATHS_BATCH, payment);
      record(
        `settle: ${Tier[tier]}, ${PAYMENT_NAMES[payment]}, ${GAS_PATHS_BATCH} items`,
        await settle(items, Mode.Atomic, vouchers),
      );
    }
  }

  // A mixed batch in Partial mode: ZK, TEE and SIGNED items in turn, the last SIGNED one with its output changed after
  // signing (rejected: the signature no longer matches).
  await fresh();
  {
    const { items } = await requests(ALL_TIERS, GAS_PATHS_BATCH, Payment.Escrow);
    const tampered = items.map((item) => item.tier).lastIndexOf(Tier.SIGNED);
    items[tampered] = { ...items[tampered], outputHash: id("not the signed output") as Hex };
    record(
      `settle: mixed tiers, escrow, Partial, ${GAS_PATHS_BATCH} items, 1 rejected`,
      await settle(items, Mode.Partial, [], 1),
    );
  }

  // --- a dispute, then earnings and withdrawals after the challenge window and the withdrawal delay ------------------
  await fresh();
  const wrongAt = 5;
  const disputed = await requests([Tier.SIGNED], GAS_PATHS_BATCH, Payment.Escrow, wrongAt);
  const settled = await settle(disputed.items, Mode.Atomic);
  const [batch] = signedBatchesFromLogs(system.settlement.interface, settled.logs);
  const contradiction = await proveContradiction(
    repositoryCircuit(SCENARIO_CIRCUIT),
    batch,
    wrongAt,
    disputed.inputs[wrongAt],
  );
  if (!contradiction.contradicts) throw new Error("the disputed result should be contradicted by its proof");
  record(
    `SignedResultDisputes.challenge (${GAS_PATHS_BATCH}-record batch, ZK proof)`,
    await challengeSignedResult(system.disputes, batch, wrongAt, contradiction),
  );
  const [client] = clients;
  record(
    "InferenceSettlement.requestWithdrawal",
    await mined(system.settlement.connect(client).requestWithdrawal(1_000_000n)),
  );
  await pin(2 * HOUR + DAY + HOUR);
  const providerAddress = await provider.getAddress();
  record(
    `InferenceSettlement.releaseSignedEarnings (${GAS_PATHS_BATCH - 1} results)`,
    await mined(system.settlement.releaseSignedEarnings(batch.batchId, providerAddress)),
  );
  record(
    "InferenceSettlement.withdrawEarnings",
    await mined(system.settlement.connect(provider).withdrawEarnings(providerAddress)),
  );
  record(
    "InferenceSettlement.withdraw",
    await mined(system.settlement.connect(client).withdraw(await client.getAddress())),
  );

  // --- revocations ---------------------------------------------------------------------------------------------------
  record("TeeRegistry.revokeEnclave", await mined(system.teeRegistry.connect(provider).revokeEnclave(sgx.address)));
  record(
    "TeeRegistry.revokeMeasurement",
    await mined(system.teeRegistry.connect(admin).revokeMeasurement(modelId, nitro.measurement)),
  );
  return paths;
}
