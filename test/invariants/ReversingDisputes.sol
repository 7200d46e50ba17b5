// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISignedResultCommitments} from "../../contracts/interfaces/ISignedResultCommitments.sol";
import {ISignerRegistry} from "../../contracts/interfaces/ISignerRegistry.sol";

/// @notice TEST ONLY: a stand-in for `SignedResultDisputes` that reverses SIGNED payments and slashes stakes when its
/// owner says so, without a ZK fraud proof. The invariant tests wire it into the settlement (`setDisputes`) so that
/// their handler can drive the dispute path's effects on the settlement's accounting (held earnings back into a
/// client's deposit) and on signer keys (a slash leaves a key understaked); a real dispute needs a Groth16 proof per
/// challenge, which a fuzzed call sequence cannot produce. Never deploy it: whoever owns it can take any held payment.
contract ReversingDisputes {
    /// @notice The settlement whose payments it reverses (read by `setDisputes`).
    address public immutable settlement;
    /// @notice The registry whose stakes it slashes (it needs the slasher role).
    ISignerRegistry public immutable signerRegistry;
    /// @notice Seconds a SIGNED payment stays held (read by `setDisputes`).
    uint64 public immutable challengeWindow;
    /// @notice The only caller.
    address public immutable owner;

    /// @notice The caller is not the owner.
    error ReversingDisputesNotOwner(address caller);
    /// @notice The result's challenge window has closed.
    error ReversingDisputesWindowClosed(uint256 batchId, uint64 releaseAt);

    constructor(address settlement_, ISignerRegistry signerRegistry_, uint64 challengeWindow_, address owner_) {
        settlement = settlement_;
        signerRegistry = signerRegistry_;
        challengeWindow = challengeWindow_;
        owner = owner_;
    }

    /// @notice Reverses up to `amount` of `provider`'s held earnings of `batchId` into `client`'s deposit, while the
    /// window is open (as `SignedResultDisputes.challenge` does), and slashes `slashAmount` of its stake to the owner.
    function reverse(
        uint256 batchId,
        address provider,
        address client,
        bytes32 requestId,
        uint256 amount,
        uint256 slashAmount
    ) external returns (uint256 reversed, uint256 slashed) {
        if (msg.sender != owner) revert ReversingDisputesNotOwner(msg.sender);
        uint64 releaseAt = ISignedResultCommitments(settlement).heldEarnings(batchId, provider).releaseAt;
        if (block.timestamp >= releaseAt) revert ReversingDisputesWindowClosed(batchId, releaseAt);
        if (slashAmount != 0) slashed = signerRegistry.slash(provider, slashAmount, owner);
        reversed = ISignedResultCommitments(settlement).reverseSignedPayment(
            batchId,
            provider,
            client,
            requestId,
            amount
        );
    }
}
