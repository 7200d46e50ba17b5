// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ISignedResultDisputes} from "../interfaces/ISignedResultDisputes.sol";
import {ISignedResultCommitments} from "../interfaces/ISignedResultCommitments.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {ISignerRegistry} from "../interfaces/ISignerRegistry.sol";
import {SignedResults} from "../libraries/SignedResults.sol";
import {Tier} from "../libraries/Tier.sol";
import {ZkStatement} from "../libraries/ZkStatement.sol";

/// @title SignedResultDisputes
/// @notice ZK fraud proofs against settled SIGNED results; see `ISignedResultDisputes`.
/// @dev Needs `SignerRegistry.SLASHER_ROLE` and must be wired into the settlement with `setDisputes`.
contract SignedResultDisputes is ISignedResultDisputes {
    uint16 private constant _BPS = 10_000;

    /// @inheritdoc ISignedResultDisputes
    address public immutable settlement;
    /// @notice Where models and their verifiers are registered.
    IModelRegistry public immutable modelRegistry;
    /// @notice Where the stakes to slash are.
    ISignerRegistry public immutable signerRegistry;
    /// @inheritdoc ISignedResultDisputes
    uint64 public immutable challengeWindow;
    /// @inheritdoc ISignedResultDisputes
    uint256 public immutable slashAmount;
    /// @inheritdoc ISignedResultDisputes
    uint16 public immutable challengerShareBps;

    mapping(bytes32 leaf => bool) private _slashed;

    /// @param challengeWindow_ Must be below the signer registry's unbonding delay (see the interface's NatSpec).
    constructor(
        address settlement_,
        IModelRegistry modelRegistry_,
        ISignerRegistry signerRegistry_,
        uint64 challengeWindow_,
        uint256 slashAmount_,
        uint16 challengerShareBps_
    ) {
        if (
            settlement_ == address(0) || address(modelRegistry_) == address(0) || address(signerRegistry_) == address(0)
        ) revert DisputesZeroAddress();
        if (challengeWindow_ == 0 || challengeWindow_ >= signerRegistry_.unbondingDelay()) {
            revert DisputesInvalidParameter("challengeWindow");
        }
        if (slashAmount_ == 0) revert DisputesInvalidParameter("slashAmount");
        if (challengerShareBps_ > _BPS) revert DisputesInvalidParameter("challengerShareBps");
        settlement = settlement_;
        modelRegistry = modelRegistry_;
        signerRegistry = signerRegistry_;
        challengeWindow = challengeWindow_;
        slashAmount = slashAmount_;
        challengerShareBps = challengerShareBps_;
    }

    /// @inheritdoc ISignedResultDisputes
    function challenge(
        uint256 batchId,
        SignedResults.Record[] calldata records,
        uint256 index,
        bytes32 provenOutputHash,
        bytes calldata proof
    ) external {
        bytes32 leaf = _checkOpen(batchId, records, index);
        SignedResults.Record calldata record = records[index];
        if (provenOutputHash == record.outputHash) revert DisputesOutputMatches(record.requestId, provenOutputHash);
        _verifyInference(record.modelId, record.inputHash, provenOutputHash, record.requestId, proof);
        _slashed[leaf] = true;
        _punish(batchId, record, provenOutputHash);
    }

    /// @dev Checks that `records` are the committed batch `batchId` (they hash to it, and settlement holds an entry
    /// under it for the disputed result's provider), that the window of result `index` is open and that it was not
    /// slashed before. Returns its leaf.
    function _checkOpen(
        uint256 batchId,
        SignedResults.Record[] calldata records,
        uint256 index
    ) private view returns (bytes32 leaf) {
        uint256 count = records.length;
        if (index >= count) revert DisputesIndexOutOfRange(batchId, index, count);
        bytes32[] memory leaves = new bytes32[](count);
        for (uint256 i; i < count; ++i) leaves[i] = SignedResults.leaf(records[i]);
        bytes32 presented = SignedResults.batchHash(leaves, count);
        if (uint256(presented) != batchId) revert DisputesRecordsMismatch(batchId, bytes32(batchId), presented);
        bytes32 requestId = records[index].requestId;
        uint64 closedAt = ISignedResultCommitments(settlement).heldEarnings(batchId, records[index].provider).releaseAt;
        if (closedAt == 0) revert DisputesUnknownBatch(batchId);
        if (block.timestamp >= closedAt) revert DisputesWindowClosed(batchId, requestId, closedAt);
        leaf = leaves[index];
        if (_slashed[leaf]) revert DisputesAlreadySlashed(batchId, requestId);
    }

    /// @dev The effects on other contracts, after this contract marked the result slashed: reverse the payment if
    /// held, slash the stake (challenger's share to the caller, the rest to the client).
    function _punish(uint256 batchId, SignedResults.Record calldata record, bytes32 provenOutputHash) private {
        uint256 reversed = ISignedResultCommitments(settlement).reverseSignedPayment(
            batchId,
            record.provider,
            record.client,
            record.requestId,
            record.price
        );
        (uint256 toChallenger, uint256 toClient) = _slash(record.provider, record.client);
        emit SignedResultSlashed(
            batchId,
            record.requestId,
            record.provider,
            record.client,
            msg.sender,
            record.outputHash,
            provenOutputHash,
            toChallenger,
            toClient,
            reversed
        );
    }

    /// @inheritdoc ISignedResultDisputes
    function isSlashed(bytes32 leaf) external view returns (bool) {
        return _slashed[leaf];
    }

    /// @dev Reverts unless `proof` is a Groth16 proof, for the model's registered verifier, that the model maps the
    /// input with `inputHash` to `outputHash` for `requestId`, checked by `ZkStatement` exactly as settlement checks a
    /// ZK item (for a private-weights model, with the registered weights commitment as a public signal). The verifier is used even if the model was retired or stopped accepting ZK since (retiring
    /// must not shield a signer).
    function _verifyInference(
        bytes32 modelId,
        bytes32 inputHash,
        bytes32 outputHash,
        bytes32 requestId,
        bytes calldata proof
    ) internal view {
        (, , address verifier, bytes32 weightsBinding) = modelRegistry.terms(modelId, Tier.ZK);
        if (verifier == address(0)) revert DisputesNoVerifier(modelId);
        if (proof.length != ZkStatement.PROOF_LENGTH) revert DisputesMalformedProof(requestId);
        if (ZkStatement.verifyOne(verifier, weightsBinding, inputHash, outputHash, requestId, proof)) return;
        revert DisputesInvalidProof(requestId);
    }

    /// @dev Slashes `slashAmount` (or what is left) of the provider's stake: the challenger's share to the caller,
    /// the rest to the client.
    function _slash(address provider, address client) private returns (uint256 toChallenger, uint256 toClient) {
        uint256 stake = signerRegistry.getProvider(provider).stake;
        uint256 total = slashAmount < stake ? slashAmount : stake;
        toChallenger = (total * challengerShareBps) / _BPS;
        toClient = total - toChallenger;
        if (toChallenger != 0) signerRegistry.slash(provider, toChallenger, msg.sender);
        if (toClient != 0) signerRegistry.slash(provider, toClient, client);
    }
}
