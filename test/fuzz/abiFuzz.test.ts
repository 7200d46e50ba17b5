import { readFile } from "node:fs/promises";
import path from "node:path";

import { expect } from "chai";
import { AbiCoder, FunctionFragment, Wallet, id } from "ethers";
import hre, { network } from "hardhat";

import { proveContradiction } from "../../sdk/lib/disputes/challenge.js";
import { signedBatchesFromLogs, type SignedResultRecord } from "../../sdk/lib/disputes/records.js";
import {
  SCENARIO_CIRCUIT,
  requestInference,
  sampleInput,
  setUpScenario,
  type Scenario,
} from "../../sdk/testing/local/scenario.js";
import { inferLinear } from "../../sdk/lib/models/linear.js";
import { modelIdFor } from "../../sdk/lib/settlement/modelIds.js";
import { submitBatch } from "../../sdk/lib/settlement/submit.js";
import { Payment, type SettlementItem } from "../../sdk/lib/settlement/item.js";
import { signKeyConsent } from "../../sdk/lib/settlement/signerKeys.js";
import { readDomain } from "../../sdk/lib/settlement/typedData.js";
import type { Voucher } from "../../sdk/lib/settlement/vouchers.js";
import { SimulatedEnclave } from "../../sdk/testing/tee/enclave.js";
import { createTestPckChain } from "../../sdk/testing/tee/pckChain.js";
import { createQuotingPlatform } from "../../sdk/testing/tee/quoteV4.js";
import { testAttester } from "../../sdk/testing/tee/signedAttester.js";
import { Mode, Tier } from "../../sdk/lib/tiers.js";
import { proveInference, releaseProverThreads } from "../../sdk/lib/zk/prove.js";
import {
  DcapQuoteV4Verifier__factory,
  InferenceSettlement__factory,
  LinearPrivate_4Verifier__factory,
  Linear_4Verifier__factory,
  ModelRegistry__factory,
  PauseGuard__factory,
  SignedAttesterVerifier__factory,
  SignedResultDisputes__factory,
  SignerRegistry__factory,
  TeeRegistry__factory,
  TestToken__factory,
  TestVendorAttestationVerifier__factory,
} from "../../typechain-types/index.js";
import {
  errorSelectors,
  fuzzContract,
  type AbiEntry,
  type EnumSizes,
  type FuzzReport,
  type FuzzTarget,
  type Seed,
} from "./abiFuzz.js";
import { repositoryCircuit } from "../../sdk/tooling/zk/circuitFiles.js";

const connection = await network.create();
/** The account that calls most cases: funded, holding no role. */
const STRANGER = 9;
const { networkHelpers } = connection;

/** Fixed seed and budget, so the default run is reproducible and short; `FUZZ_SEED` / `FUZZ_CASES` search deeper. */
const SEED = Number(process.env.FUZZ_SEED ?? 0x7ee5f00d);
const PER_CLASS = Number(process.env.FUZZ_CASES ?? 16);

/**
 * Deployable contracts that are not fuzzed as targets of their own, and why. Every other deployable contract under
 * contracts/ must be a target (the test fails on a new one).
 */
const NOT_TARGETS: Record<string, string> = {
  "contracts/test-helpers/TestERC1271Wallet.sol:TestERC1271Wallet": "a test-only ERC-1271 wallet, reached as a client",
};
/** Generated verifiers fuzzed as representatives of their template: one with 3 public signals, one with 4. */
const REPRESENTATIVE_VERIFIERS = ["Linear_4Verifier", "LinearPrivate_4Verifier"];

/** Enum sizes by canonical name, from the compiler's AST (so a new enum member needs no edit here). */
async function enumSizes(): Promise<EnumSizes> {
  const sizes = new Map<string, number>();
  const buildInfoId = await hre.artifacts.getBuildInfoId("InferenceSettlement");
  const outputPath = buildInfoId && (await hre.artifacts.getBuildInfoOutputPath(buildInfoId));
  if (!outputPath) throw new Error("no build info for InferenceSettlement: run `npx hardhat build`");
  const output = JSON.parse(await readFile(outputPath, "utf8")) as {
    output: { sources: Record<string, { ast: unknown }> };
  };
  const walk = (node: unknown): void => {
    if (typeof node !== "object" || node === null) return;
    const n = node as { nodeType?: string; canonicalName?: string; members?: unknown[] };
    if (n.nodeType === "EnumDefinition" && n.canonicalName && n.members) sizes.set(n.canonicalName, n.members.length);
    for (const value of Object.values(node)) walk(value);
  };
  for (const source of Object.values(output.output.sources)) walk(source.ast);
  return sizes;
}

const itemTuple = (it: SettlementItem) => [
  it.requestId,
  it.modelId,
  it.client,
  it.provider,
  it.tier,
  it.inputHash,
  it.outputHash,
  it.price,
  it.deadline,
  it.proof,
  it.clientSignature,
  it.payment,
];
const voucherTuple = (v: Voucher) => [v.client, v.provider, v.cumulativeAmount, v.ordersHead, v.signature];

interface Fixture {
  scenario: Scenario;
  targets: FuzzTarget[];
  words: bigint[];
  addresses: string[];
}

/** The local system with one of each kind of item, quote and consent to start mutations from. */
async function fuzzFixture(): Promise<Fixture> {
  const scenario = await setUpScenario(connection, { clientCount: 2, deposit: 10_000_000n });
  const { system } = scenario;
  const [client, client2] = scenario.clients;
  const provider = await scenario.provider.getAddress();
  const input = (k: number) => sampleInput(scenario.model, k);
  const zk = (await requestInference(scenario, { client, tier: Tier.ZK, input: input(1) })).item;
  const tee = (await requestInference(scenario, { client, tier: Tier.TEE, input: input(2) })).item;
  const signed = (await requestInference(scenario, { client: client2, tier: Tier.SIGNED, input: input(3) })).item;
  const exact = (
    await requestInference(scenario, { client, tier: Tier.SIGNED, input: input(4), payment: Payment.Exact })
  ).item;
  const byVoucher = await requestInference(scenario, {
    client: client2,
    tier: Tier.TEE,
    input: input(5),
    payment: Payment.Voucher,
  });
  const voucher = byVoucher.voucher!;

  const settlementSeeds: Record<string, Seed[]> = {};
  const settlementInterface = InferenceSettlement__factory.createInterface();
  const itemSig = (name: Parameters<typeof settlementInterface.getFunction>[0]) =>
    settlementInterface.getFunction(name).format("sighash");
  settlementSeeds[itemSig("settle")] = [
    { args: [[zk, tee, signed].map(itemTuple), Mode.Partial] },
    { args: [[signed, tee].map(itemTuple), Mode.Atomic] },
    { args: [[exact].map(itemTuple), Mode.Partial] },
  ];
  settlementSeeds[itemSig("settleWithVouchers")] = [
    { args: [[byVoucher.item, signed].map(itemTuple), [voucherTuple(voucher)], Mode.Partial] },
  ];
  settlementSeeds[itemSig("orderDigest")] = [{ args: [itemTuple(zk)] }, { args: [itemTuple(exact)] }];
  settlementSeeds[itemSig("resultDigest")] = [{ args: [itemTuple(tee)] }];
  settlementSeeds[itemSig("voucherDigest")] = [{ args: [voucherTuple(voucher)] }];

  // Groth16: the ZK item's proof, as the verifier takes it
  const words = AbiCoder.defaultAbiCoder().decode(["uint256[8]"], zk.proof)[0] as bigint[];
  const signals = [BigInt(zk.inputHash), BigInt(zk.outputHash), BigInt(zk.requestId)];
  const verifierSeeds: Record<string, Seed[]> = {
    "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[3])": [
      { args: [words.slice(0, 2), [words.slice(2, 4), words.slice(4, 6)], words.slice(6, 8), signals] },
    ],
    "verifyProofs(uint256[8][],uint256[])": [{ args: [[words], signals] }],
  };

  // Attestations: a DCAP quote, a test-vendor attestation, a signed-attester statement, for a new enclave
  const latest = (await connection.ethers.provider.getBlock("latest"))!;
  const context = {
    operator: provider,
    chainId: system.chainId,
    registry: await system.teeRegistry.getAddress(),
    bindingBlockHash: latest.hash as `0x${string}`,
  };
  const newEnclave = SimulatedEnclave.sgx(scenario.enclave.measurement, id("fuzz/enclave-signer") as `0x${string}`, {
    key: new Wallet(id("fuzz/enclave")),
  });
  const platform = createQuotingPlatform(createTestPckChain({ now: new Date(latest.timestamp * 1000) }));
  const quote = newEnclave.dcapQuote(platform, context);
  const vendorAttestation = await newEnclave.attest(await system.testVendorVerifier.getAddress(), context);
  const pcr = (k: number) => `0x${String(k).repeat(96)}` as `0x${string}`;
  const nitro = SimulatedEnclave.nitro([pcr(1), pcr(2), pcr(3)]);
  const attesterStatement = await nitro.attestViaAttester(
    testAttester(),
    await system.signedAttesterVerifier.getAddress(),
    context,
    BigInt(latest.timestamp) + 86_400n,
  );
  const providerSigner = scenario.provider;
  const teeRegistryDomain = await readDomain(system.teeRegistry);
  const heartbeat = await scenario.enclave.signHeartbeat(
    teeRegistryDomain,
    latest.number,
    latest.hash as `0x${string}`,
  );
  const newSignerKey = new Wallet(id("fuzz/new signer key"));
  const consent = await signKeyConsent(newSignerKey, await readDomain(system.signerRegistry), provider);

  // A dishonest SIGNED result, settled, and the ZK proof that contradicts it: a real challenge to mutate.
  const dishonest: Scenario = { ...scenario, infer: (x) => [inferLinear(scenario.model, [...x]) + 1n] };
  const wrong = (await requestInference(dishonest, { client: client2, tier: Tier.SIGNED, input: input(6) })).item;
  const { receipt } = await submitBatch(system.settlement, [wrong], Mode.Atomic);
  const [signedBatch] = signedBatchesFromLogs(system.settlement.interface, receipt.logs);
  const contradiction = await proveContradiction(repositoryCircuit(SCENARIO_CIRCUIT), signedBatch, 0, input(6));
  const recordTuple = (r: SignedResultRecord) => [
    r.requestId,
    r.modelId,
    r.client,
    r.provider,
    r.inputHash,
    r.outputHash,
    r.price,
  ];

  // A new model of a stranger (its id names the stranger), configured like the scenario's.
  const stranger = (await connection.ethers.getSigners())[STRANGER];
  const model = await system.modelRegistry.getModel(scenario.modelId);
  const modelConfig = [
    model.verifier,
    model.verifyingKeyHash,
    model.weightsCommitment,
    model.privateWeights,
    model.inputSize,
    model.outputSize,
    model.fracBits,
    model.acceptedTiers,
    [...model.prices],
  ];
  const strangerModel = modelIdFor(await stranger.getAddress(), "fuzz model");

  const at = (c: { getAddress(): Promise<string> }) => c.getAddress();
  const privateVerifier = await new LinearPrivate_4Verifier__factory(system.admin).deploy();
  const { proof: privateProof, publicSignals: privateOut } = await proveInference(
    repositoryCircuit("LinearPrivate_4"),
    input(8),
    42n,
  );
  const privateSignals = [privateOut.inputHash, privateOut.outputHash, privateOut.weightsCommitment!, 42n];
  const targets: FuzzTarget[] = [
    {
      name: "InferenceSettlement",
      address: await at(system.settlement),
      abi: InferenceSettlement__factory.abi,
      seeds: settlementSeeds,
    },
    {
      name: "ModelRegistry",
      address: await at(system.modelRegistry),
      abi: ModelRegistry__factory.abi,
      seeds: {
        "registerModel(bytes32,(address,bytes32,bytes32,bool,uint16,uint16,uint8,uint8,uint128[3]))": [
          { args: [strangerModel, modelConfig], from: stranger },
        ],
        "setPrice(bytes32,uint8,uint128)": [{ args: [scenario.modelId, Tier.TEE, 5_000n], from: system.admin }],
        "retireModel(bytes32)": [{ args: [scenario.modelId], from: system.admin }],
      },
    },
    {
      name: "SignerRegistry",
      address: await at(system.signerRegistry),
      abi: SignerRegistry__factory.abi,
      seeds: {
        "rotateSigner(address,bytes)": [{ args: [newSignerKey.address, consent], from: providerSigner }],
        "registerSigner(address,bytes)": [{ args: [newSignerKey.address, consent], from: providerSigner }],
      },
    },
    {
      name: "TeeRegistry",
      address: await at(system.teeRegistry),
      abi: TeeRegistry__factory.abi,
      seeds: {
        "registerEnclave(bytes32,address,address,bytes,uint256)": [
          {
            args: [scenario.modelId, newEnclave.address, await at(system.dcapVerifier), quote, latest.number],
            from: providerSigner,
          },
          {
            args: [
              scenario.modelId,
              newEnclave.address,
              await at(system.testVendorVerifier),
              vendorAttestation,
              latest.number,
            ],
            from: providerSigner,
          },
        ],
        "heartbeat(address,uint256,bytes)": [{ args: [scenario.enclave.address, latest.number, heartbeat] }],
      },
    },
    {
      name: "SignedResultDisputes",
      address: await at(system.disputes),
      abi: SignedResultDisputes__factory.abi,
      seeds: {
        "challenge(uint256,(bytes32,bytes32,address,address,bytes32,bytes32,uint256)[],uint256,bytes32,bytes)": [
          {
            args: [
              signedBatch.batchId,
              signedBatch.records.map(recordTuple),
              0n,
              contradiction.provenOutputHash,
              contradiction.proof,
            ],
          },
        ],
      },
    },
    {
      name: "DcapQuoteV4Verifier",
      address: await at(system.dcapVerifier),
      abi: DcapQuoteV4Verifier__factory.abi,
      seeds: { "verifyAttestation(bytes)": [{ args: [quote] }] },
    },
    {
      name: "SignedAttesterVerifier",
      address: await at(system.signedAttesterVerifier),
      abi: SignedAttesterVerifier__factory.abi,
      seeds: { "verifyAttestation(bytes)": [{ args: [attesterStatement] }] },
    },
    {
      name: "TestVendorAttestationVerifier",
      address: await at(system.testVendorVerifier),
      abi: TestVendorAttestationVerifier__factory.abi,
      seeds: { "verifyAttestation(bytes)": [{ args: [vendorAttestation] }] },
    },
    {
      name: "Linear_4Verifier",
      address: await at(system.linear4Verifier),
      abi: Linear_4Verifier__factory.abi,
      seeds: verifierSeeds,
    },
    {
      name: "LinearPrivate_4Verifier",
      address: await at(privateVerifier),
      abi: LinearPrivate_4Verifier__factory.abi,
      seeds: {
        "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[4])": [
          { args: [privateProof.a, privateProof.b, privateProof.c, privateSignals] },
        ],
        "verifyProofs(uint256[8][],uint256[])": [
          { args: [[[...privateProof.a, ...privateProof.b.flat(), ...privateProof.c]], privateSignals] },
        ],
      },
    },
    {
      name: "PauseGuard",
      address: await at(system.pauseGuard),
      abi: PauseGuard__factory.abi,
      seeds: {
        "pause(uint8)": [
          { args: [0], from: system.admin },
          { args: [1], from: system.admin },
        ],
      },
    },
    { name: "TestToken", address: await at(system.token), abi: TestToken__factory.abi },
  ];
  const addresses = [
    ...(await Promise.all(targets.map((t) => t.address))),
    ...(await Promise.all((await connection.ethers.getSigners()).slice(0, 5).map((s) => s.getAddress()))),
    scenario.signerKey.address,
    scenario.enclave.address,
    newEnclave.address,
  ];
  const roleWords = [
    await system.signerRegistry.SLASHER_ROLE(),
    await system.teeRegistry.GOVERNOR_ROLE(),
    await system.signerRegistry.DEFAULT_ADMIN_ROLE(),
  ];
  const wordsDictionary = [
    BigInt(scenario.modelId),
    BigInt(scenario.enclave.measurement),
    ...roleWords.map(BigInt),
    BigInt(zk.requestId),
    zk.deadline,
    BigInt(latest.timestamp),
    BigInt(latest.number),
    1n,
    1_000n,
    3_000n,
  ];
  return { scenario, targets, words: wordsDictionary, addresses };
}

describe("ABI fuzz: every external function of every contract with malformed calldata", function () {
  this.timeout(600_000);
  after(releaseProverThreads);
  const reports: FuzzReport[] = [];

  it("fuzzes every deployable contract (or names why not) and every generated verifier shares one template", async function () {
    const { targets } = await networkHelpers.loadFixture(fuzzFixture);
    const names = new Set(targets.map((t) => t.name));
    const deployables: string[] = [];
    for (const fqn of await hre.artifacts.getAllFullyQualifiedNames()) {
      if (!fqn.startsWith("contracts/")) continue;
      const artifact = await hre.artifacts.readArtifact(fqn);
      if (artifact.bytecode === "0x" || artifact.bytecode === "") continue; // interfaces, abstract contracts
      if (fqn.startsWith("contracts/libraries/")) continue; // reached through the contracts that use them
      deployables.push(fqn);
    }
    const generated = deployables.filter((fqn) => fqn.startsWith("contracts/verifiers/generated/"));
    const uncovered = deployables.filter((fqn) => {
      const name = fqn.split(":")[1];
      if (NOT_TARGETS[fqn] !== undefined || names.has(name)) return false;
      return !fqn.startsWith("contracts/verifiers/generated/"); // checked below to share the template
    });
    expect(uncovered, "deployable contracts neither fuzzed nor excused").to.deep.equal([]);
    for (const name of REPRESENTATIVE_VERIFIERS) expect(names.has(name)).to.equal(true);

    // The generated verifiers differ only in names, constants and the number of public signals (3 or 4): with those
    // written out and repeated lines folded, there are exactly two texts.
    const templates = new Map<string, string[]>();
    for (const file of new Set(generated.map((fqn) => fqn.split(":")[0]))) {
      const name = path.basename(file, ".sol");
      const source = await readFile(path.join(hre.config.paths.root, file), "utf8");
      const kind = /uint\[4\] calldata _pubSignals/.test(source) ? "4 signals" : "3 signals";
      const lines = source
        .replaceAll(name.replace(/Verifier$/, ""), "NAME")
        .replace(/\b\d{10,}\b/g, "N")
        .replace(/IC\d+[xy]/g, "IC")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("//"));
      const normalised = lines.filter((line, i) => line !== lines[i - 1]).join("\n");
      templates.set(`${kind}:${normalised}`, [...(templates.get(`${kind}:${normalised}`) ?? []), file]);
    }
    expect([...templates.keys()].map((k) => k.split(":")[0]).sort()).to.deep.equal(["3 signals", "4 signals"]);
  });

  it("ends every case in success, a named error, or (malformed encodings only) the ABI decoder's empty revert", async function () {
    const started = Date.now();
    const fixture = await networkHelpers.loadFixture(fuzzFixture);
    const enums = await enumSizes();
    const errors = errorSelectors(fixture.targets.map((t) => t.abi));
    const signers = await connection.ethers.getSigners();
    const stranger = signers[STRANGER];
    for (const target of fixture.targets) {
      // Each contract starts from the same deployed state.
      await networkHelpers.loadFixture(fuzzFixture);
      const report = await fuzzContract(connection, target, {
        seed: SEED,
        perClass: PER_CLASS,
        callers: [stranger, signers[0], await fixture.scenario.provider, fixture.scenario.clients[0]],
        txShare: 0.25,
        gas: 16_000_000n,
        dictionary: { addresses: fixture.addresses, words: fixture.words },
        enums,
        errors,
      });
      reports.push(report);
      // Every function of the ABI was fuzzed: a new function is fuzzed as soon as it exists.
      const selectors = new Set(
        target.abi.filter((e) => e.type === "function").map((e) => FunctionFragment.from(e as AbiEntry).selector),
      );
      expect([...report.fuzzedSelectors].sort()).to.deep.equal([...selectors].sort());
    }
    for (const r of reports) {
      const errorsSeen = [...r.errorsSeen.keys()].sort();
      console.log(
        `      ${r.target}: ${r.cases} cases, ${r.transactions} transactions, ${errorsSeen.length} named errors`,
      );
      if (process.env.FUZZ_VERBOSE) console.log(`        ${errorsSeen.join(" ")}`);
    }
    const failures = reports.flatMap((r) => r.failures);
    const cases = reports.reduce((n, r) => n + r.cases, 0);
    const transactions = reports.reduce((n, r) => n + r.transactions, 0);
    console.log(
      `      ${cases} cases (${transactions} also as transactions) over ${reports.length} contracts in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expect(
      failures.slice(0, 60).map((f) => f.slice(0, 260)),
      `${failures.length} failures`,
    ).to.deep.equal([]);
  });

  it("reaches every function's body: each one ends at least once in success or a named error", function () {
    for (const report of reports) {
      for (const [signature, classes] of report.counts) {
        const reached = [...classes.values()].some((kinds) =>
          [...kinds.keys()].some((k) => k === "success" || k.startsWith("customError")),
        );
        expect(reached, `${report.target}.${signature} never got past the decoder`).to.equal(true);
      }
    }
  });
});
