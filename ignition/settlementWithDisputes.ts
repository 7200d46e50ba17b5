import type {
  IgnitionModuleBuilder,
  ModuleParameterRuntimeValue,
  NamedArtifactContractDeploymentFuture,
} from "@nomicfoundation/ignition-core";

const DAY = 24n * 60n * 60n;

/** The contracts settlement is built on, deployed by the calling module. */
export interface SettlementDependencies {
  /** A deployed test token, or the address of an existing one (a module parameter). */
  token: NamedArtifactContractDeploymentFuture<string> | ModuleParameterRuntimeValue<string>;
  modelRegistry: NamedArtifactContractDeploymentFuture<"ModelRegistry">;
  signerRegistry: NamedArtifactContractDeploymentFuture<"SignerRegistry">;
  teeRegistry: NamedArtifactContractDeploymentFuture<"TeeRegistry">;
  pauseGuard: NamedArtifactContractDeploymentFuture<"PauseGuard">;
}

/**
 * Settlement and its SIGNED dispute path, wired as every deployment needs them (the local system and the testnet
 * module alike): the `ZkStatement` library linked into both, `setDisputes`, and the slasher role for the disputes.
 * Parameters: `epochLength`, `withdrawalDelay`, `challengeWindow` (shorter than the unbonding delay: the dispute
 * constructor checks it), `slashAmount` (default `defaultSlashAmount`, in token units) and `challengerShareBps`.
 */
export function settlementWithDisputes(
  m: IgnitionModuleBuilder,
  { token, modelRegistry, signerRegistry, teeRegistry, pauseGuard }: SettlementDependencies,
  defaultSlashAmount: bigint,
) {
  // The ZK statement check (public signals + verifier call), linked into settlement and the dispute path.
  const zkStatement = m.library("ZkStatement");
  const settlement = m.contract(
    "InferenceSettlement",
    [
      token,
      modelRegistry,
      signerRegistry,
      teeRegistry,
      m.getParameter("epochLength", DAY),
      m.getParameter("withdrawalDelay", DAY),
      pauseGuard,
    ],
    { libraries: { ZkStatement: zkStatement } },
  );
  // A ZK proof of a different output slashes a SIGNED provider within the challenge window.
  const disputes = m.contract(
    "SignedResultDisputes",
    [
      settlement,
      modelRegistry,
      signerRegistry,
      m.getParameter("challengeWindow", DAY),
      m.getParameter("slashAmount", defaultSlashAmount),
      m.getParameter("challengerShareBps", 5_000), // half to the challenger, half to the client
    ],
    { libraries: { ZkStatement: zkStatement } },
  );
  m.call(settlement, "setDisputes", [disputes]);
  m.call(signerRegistry, "grantRole", [m.staticCall(signerRegistry, "SLASHER_ROLE"), disputes]);
  return { zkStatement, settlement, disputes };
}
