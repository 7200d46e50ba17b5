// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title ISignedResultCommitments
/// @notice Settlement's side of SIGNED-tier disputes. Each `settle` call that settles SIGNED items commits them with
/// one hash (`SignedResults.batchHash` of their `SignedResults.leaf`s, in item order), which is the batch's id
/// (`batchId = uint256(resultsHash)`), and holds what those items paid each provider, one entry per (batch,
/// provider), until the challenge window ends; an entry with a nonzero `releaseAt` is what marks the batch committed.
/// Two batches never share an id: every leaf names a (client, request id) that settles only once. The dispute
/// contract reverses the payment of a result a ZK proof shows wrong while it is held. Nothing here writes storage
/// per item, and per batch only the held entries.
interface ISignedResultCommitments {
    /// @notice What one provider earned with SIGNED items of one batch, held until `releaseAt`.
    struct HeldEarnings {
        uint192 amount;
        uint64 releaseAt;
    }

    /// @notice Only the settlement's deployer may wire the dispute path, once.
    error SettlementNotDeployer(address caller);
    /// @notice The dispute path is wired already.
    error SettlementDisputesAlreadySet(address disputes);
    /// @notice A batch with these results was committed before (cannot happen: request ids settle once).
    error SettlementBatchAlreadyCommitted(uint256 batchId);
    /// @notice The dispute contract is not bound to this settlement, or has no challenge window.
    error SettlementInvalidDisputes(address disputes);
    /// @notice Only the dispute contract may reverse a payment.
    error SettlementNotDisputes(address caller);
    /// @notice Nothing is held for the provider in this batch.
    error SettlementNothingHeld(uint256 batchId, address provider);
    /// @notice The challenge window of the batch is still open.
    error SettlementStillHeld(uint256 batchId, address provider, uint64 releaseAt);

    /// @notice The dispute path was wired: SIGNED payments are held for `challengeWindow` seconds from now on.
    event DisputesSet(address indexed disputes, uint64 challengeWindow);
    /// @notice A batch's SIGNED results were committed: `resultsHash` over `results` records, in log order of the
    /// batch's SIGNED `ItemSettled` events (which precede this event in the same transaction).
    event SignedBatchCommitted(uint256 indexed batchId, bytes32 resultsHash, uint256 results, uint64 releaseAt);
    /// @notice A provider's SIGNED earnings of a batch are held until `releaseAt`.
    event SignedEarningsHeld(uint256 indexed batchId, address indexed provider, uint256 amount, uint64 releaseAt);
    /// @notice Held earnings became the provider's withdrawable earnings.
    event SignedEarningsReleased(uint256 indexed batchId, address indexed provider, uint256 amount);
    /// @notice The dispute path took `amount` back from the held earnings into the client's deposit.
    event SignedPaymentReversed(
        uint256 indexed batchId,
        address indexed provider,
        address indexed client,
        bytes32 requestId,
        uint256 amount
    );

    /// @notice Wires the dispute contract (once; only the deployer). Reads its `challengeWindow`. Until then
    /// SIGNED payments are credited at once and no batch is committed: a deployment without a dispute path has a
    /// SIGNED tier that nobody can slash, so deployments that offer SIGNED wire it (the Ignition module does).
    function setDisputes(address disputes) external;

    /// @notice Moves a provider's held SIGNED earnings of a batch to its withdrawable earnings once the window
    /// ended; anyone may call.
    function releaseSignedEarnings(uint256 batchId, address provider) external returns (uint256 amount);

    /// @notice Takes `amount` of a provider's held earnings of a batch back into `client`'s deposit; only the
    /// dispute contract. Returns what was reversed (less than `amount` only if less is held).
    function reverseSignedPayment(
        uint256 batchId,
        address provider,
        address client,
        bytes32 requestId,
        uint256 amount
    ) external returns (uint256 reversed);

    /// @notice The dispute contract (zero until wired).
    function disputes() external view returns (address);

    /// @notice Seconds a SIGNED payment is held (zero until the dispute path is wired).
    function challengeWindow() external view returns (uint64);

    /// @notice A provider's held SIGNED earnings of a batch; `releaseAt` stays set after release (amount zero), and is
    /// zero only if the batch (its results hash) was never committed or the provider had no SIGNED item in it.
    function heldEarnings(uint256 batchId, address provider) external view returns (HeldEarnings memory);
}
