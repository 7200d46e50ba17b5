/**
 * ZK tier figures, on the in-process network and this machine: for every circuit instance in circuits.json the
 * constraint count, proving time (snarkjs groth16.fullProve), proof size and single-verify gas; and, for Linear_4,
 * verify gas per proof for batches of 1, 2, 4, 8, 16 and 32 proofs (Groth16BatchVerifier, N + 3 pairings) against
 * the plain snarkjs verifier in the same run. Writes bench/zk.md. Run: `npm run bench:zk`.
 *
 * Gas is that of a whole transaction calling the verifier (eth_estimateGas: 21,000 base, calldata, execution), so
 * the single and batched figures compare like for like.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";

import type { Contract } from "ethers";
import { network } from "hardhat";

import { IZkVerifier__factory, type IZkVerifier } from "../typechain-types/index.js";
import { inputLength, solidityName, type CircuitInstance } from "../sdk/lib/zk/circuits.js";
import { proveInference, releaseProverThreads, type Groth16Proof, type InferenceProof } from "../sdk/lib/zk/prove.js";
import { circuitArtifacts, loadCircuitInstances, repositoryCircuit } from "../sdk/tooling/zk/circuitFiles.js";

const BATCH_CIRCUIT = "Linear_4";
const BATCH_SIZES = [1, 2, 4, 8, 16, 32];
const PROOFS_PER_CIRCUIT = 8;
const OUTPUT = new URL("./zk.md", import.meta.url);

/** How an instance holds its weights: circuit constants, or private inputs committed by a public signal. */
function weightsMode(instance: CircuitInstance): string {
  return instance.weightsOf === undefined ? "public (constants)" : `private (weights of ${instance.weightsOf})`;
}

// snarkjs's worker threads would keep the process alive after an error: always stop them.
try {
  const connection = await network.create();
  const [sender] = await connection.ethers.getSigners();

  type Words = [bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint];
  const words = (p: InferenceProof) => [...p.proof.a, ...p.proof.b[0], ...p.proof.b[1], ...p.proof.c] as Words;
  /** [inputHash, outputHash, requestId], or [inputHash, outputHash, weightsCommitment, requestId] (private weights). */
  const signals = ({ publicSignals: s }: InferenceProof): bigint[] =>
    s.weightsCommitment === undefined
      ? [s.inputHash, s.outputHash, s.requestId]
      : [s.inputHash, s.outputHash, s.weightsCommitment, s.requestId];

  async function transactionGas(verifier: { getAddress(): Promise<string> }, data: string): Promise<bigint> {
    return connection.ethers.provider.estimateGas({ from: sender.address, to: await verifier.getAddress(), data });
  }

  /** `count` proofs of `circuit` on small signed inputs, and the mean proving time. */
  async function prove(circuit: string, inputSize: number, count: number) {
    const proofs: InferenceProof[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const input = Array.from({ length: inputSize }, (_, k) => BigInt(((i * 37 + k * 101) % 1024) - 512));
      proofs.push(await proveInference(repositoryCircuit(circuit), input, 1000n + BigInt(i)));
    }
    return { proofs, provingMs: (performance.now() - started) / count };
  }

  /**
   * Mean gas of a transaction verifying one proof with the snarkjs verifier. `verifier` is the deployed contract
   * with its own ABI: a private-weights verifier's `verifyProof` takes four public signals, not IZkVerifier's three.
   */
  async function singleVerifyGas(verifier: Contract, proofs: InferenceProof[]): Promise<bigint> {
    let total = 0n;
    for (const p of proofs) {
      const args: [Groth16Proof["a"], Groth16Proof["b"], Groth16Proof["c"], bigint[]] = [
        p.proof.a,
        p.proof.b,
        p.proof.c,
        signals(p),
      ];
      if (!(await verifier.verifyProof(...args))) throw new Error("a benchmark proof does not verify");
      total += await transactionGas(verifier, verifier.interface.encodeFunctionData("verifyProof", args));
    }
    return total / BigInt(proofs.length);
  }

  const circuitRows: string[] = [];
  const verifiers = new Map<string, { verifier: IZkVerifier; single: bigint }>();
  for (const instance of loadCircuitInstances()) {
    const deployed = await connection.ethers.deployContract(`${solidityName(instance.name)}Verifier`);
    const verifier = IZkVerifier__factory.connect(await deployed.getAddress(), sender);
    const inputSize = inputLength(instance);
    const { proofs, provingMs } = await prove(instance.name, inputSize, PROOFS_PER_CIRCUIT);
    const single = await singleVerifyGas(deployed, proofs);
    verifiers.set(instance.name, { verifier, single });
    const info = JSON.parse(readFileSync(circuitArtifacts(instance.name).buildInfo, "utf8"));
    circuitRows.push(
      `| ${instance.name} | ${instance.template} | ${weightsMode(instance)} | ${info.constraints} | ` +
        `${info.publicSignals} | ` +
        `${provingMs.toFixed(0)} ms | 256 bytes (8 words) | ${single} |`,
    );
    console.log(
      `${instance.name}: ${info.constraints} constraints, ${provingMs.toFixed(0)} ms to prove, ${single} gas`,
    );
  }

  const { verifier, single } = verifiers.get(BATCH_CIRCUIT)!;
  const { proofs } = await prove(BATCH_CIRCUIT, 4, Math.max(...BATCH_SIZES));
  const batchRows: string[] = [];
  for (const size of BATCH_SIZES) {
    const subset = proofs.slice(0, size);
    const args: [Words[], bigint[]] = [subset.map(words), subset.flatMap(signals)];
    if (!(await verifier.verifyProofs(...args))) throw new Error(`the batch of ${size} does not verify`);
    const gas = await transactionGas(verifier, verifier.interface.encodeFunctionData("verifyProofs", args));
    const perProof = gas / BigInt(size);
    const share = ((100 * Number(perProof)) / Number(single)).toFixed(0);
    batchRows.push(`| ${size} | ${gas} | **${perProof}** | ${single} | ${share}% |`);
    console.log(`batch of ${size}: ${perProof} gas per proof (single: ${single})`);
  }

  const snarkjsVersion = JSON.parse(readFileSync(circuitArtifacts(BATCH_CIRCUIT).buildInfo, "utf8")).snarkjs;
  const table = `# ZK tier: circuits and on-chain verification

Produced by \`npm run bench:zk\` (bench/zk.ts) on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores
(${cpus()[0]?.model.trim()}), snarkjs ${snarkjsVersion}, circom 2.2.3 (circom2, --O2), Hardhat 3 in-process network
(EDR, default hardfork), solc 0.8.30 with the optimizer at 200 runs. Gas is the whole transaction calling the verifier
(eth_estimateGas: 21,000 base + calldata + execution).

## Circuits

| instance | template | weights | constraints | public signals | proving time (fullProve, mean of ${PROOFS_PER_CIRCUIT}) | proof size (calldata) | verify gas (one proof, snarkjs verifier) |
|---|---|---|---|---|---|---|---|
${circuitRows.join("\n")}

## Batch verification (Groth16BatchVerifier, N + 3 pairings), ${BATCH_CIRCUIT}

| proofs | gas of the batch | gas per proof | single verify (snarkjs verifier) | per proof vs single |
|---|---|---|---|---|
${batchRows.join("\n")}

The batch check multiplies each proof's A and C by a weight drawn from keccak256 over every proof and public input
of the batch (2N − 2 scalar multiplications: the first weight is 1), folds the public inputs into nPublic + 1 more,
and runs one pairing check of N + 3 pairs, where N separate verifications run N checks of 4 pairs.

Private-weights instances take the weights as private inputs (one constraint per multiply-accumulate, plus the
Poseidon commitment of the weights) and have a fourth public signal, the weights commitment, which settlement sets to
the ModelRegistry's: a proof made with other weights fails. Settlement calls their verifier through \`verifyProofs\`
(alone, or with the other proofs of the model in the batch).
`;
  writeFileSync(OUTPUT, table);
  console.log(table);
} finally {
  await releaseProverThreads();
}
