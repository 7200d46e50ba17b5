// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SignedResults} from "../libraries/SignedResults.sol";

/// @title ISignedResultDisputes
/// @notice Makes SIGNED an optimistic tier. During the challenge window after a batch settled, anyone may present a
/// Groth16 proof, from the model's registered circuit, for the same request (same model, request id and input
/// hash) whose output hash differs from the signed one. Circuits are deterministic functions of the input (the
/// request id is bound as a public signal only), so such a proof shows the signed result wrong: the provider's
/// stake is slashed (a share to the challenger, the rest to the client), the item's payment is reversed into the
/// client's deposit if it is still held, and the result can never be slashed again.
///
/// Unbonding: a provider that began unbonding can no longer vouch (settlement rejects its results at once), and the
/// constructor requires `challengeWindow < SignerRegistry.unbondingDelay`. So every result it vouched for settled
/// at or before `beginUnbonding` and its window closes before the stake unlocks: the stake cannot leave while a
/// window on its results is open, and stays slashable (slashing ignores unbonding) until then. This costs no storage
/// write per item or batch.
interface ISignedResultDisputes {
    /// @notice A zero address was given.
    error DisputesZeroAddress();
    /// @notice A constructor parameter is out of range.
    error DisputesInvalidParameter(string name);
    /// @notice No batch with these results was committed (the records hash to `batchId`, but nothing is held under it).
    error DisputesUnknownBatch(uint256 batchId);
    /// @notice The records presented do not hash to the batch id (a batch's id is its results hash).
    error DisputesRecordsMismatch(uint256 batchId, bytes32 committed, bytes32 presented);
    /// @notice The index is not in the batch.
    error DisputesIndexOutOfRange(uint256 batchId, uint256 index, uint256 results);
    /// @notice The challenge window of the result is closed (or was never open).
    error DisputesWindowClosed(uint256 batchId, bytes32 requestId, uint64 closedAt);
    /// @notice This result was slashed already.
    error DisputesAlreadySlashed(uint256 batchId, bytes32 requestId);
    /// @notice The proven output equals the signed output: the signed result is correct.
    error DisputesOutputMatches(bytes32 requestId, bytes32 outputHash);
    /// @notice The model has no ZK verifier, so its SIGNED results cannot be disputed.
    error DisputesNoVerifier(bytes32 modelId);
    /// @notice The proof bytes are not abi.encode(uint256[2], uint256[2][2], uint256[2]).
    error DisputesMalformedProof(bytes32 requestId);
    /// @notice The proof does not verify for (inputHash, provenOutputHash, requestId).
    error DisputesInvalidProof(bytes32 requestId);

    /// @notice A signed result was shown wrong and its provider slashed.
    /// @param signedOutputHash What the signer vouched for.
    /// @param provenOutputHash What the model's circuit gives on the same input, per the challenger's proof.
    /// @param toChallenger Stake sent to the challenger.
    /// @param toClient Stake sent to the client.
    /// @param reversed Payment taken back from the provider's held earnings into the client's deposit.
    event SignedResultSlashed(
        uint256 indexed batchId,
        bytes32 indexed requestId,
        address indexed provider,
        address client,
        address challenger,
        bytes32 signedOutputHash,
        bytes32 provenOutputHash,
        uint256 toChallenger,
        uint256 toClient,
        uint256 reversed
    );

    /// @notice Disputes result `index` of batch `batchId` with a proof that the model gives `provenOutputHash`.
    /// @param batchId The batch's results hash, as `ISignedResultCommitments.SignedBatchCommitted` names it.
    /// @param records Every SIGNED record of the batch, in order (see `SignedResults`): they must hash to `batchId`.
    /// @param proof abi.encode(uint256[2] a, uint256[2][2] b, uint256[2] c) for the public signals
    /// [inputHash, provenOutputHash, requestId].
    function challenge(
        uint256 batchId,
        SignedResults.Record[] calldata records,
        uint256 index,
        bytes32 provenOutputHash,
        bytes calldata proof
    ) external;

    /// @notice Seconds after settlement during which a SIGNED result can be disputed.
    function challengeWindow() external view returns (uint64);

    /// @notice Stake taken per wrong result (capped by what is left).
    function slashAmount() external view returns (uint256);

    /// @notice The challenger's share of a slash, in basis points; the client gets the rest.
    function challengerShareBps() external view returns (uint16);

    /// @notice The settlement whose SIGNED batches this contract disputes.
    function settlement() external view returns (address);

    /// @notice Whether the result with this leaf (`SignedResults.leaf`) was slashed.
    function isSlashed(bytes32 leaf) external view returns (bool);
}
