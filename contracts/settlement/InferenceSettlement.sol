// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

import {IInferenceSettlement} from "../interfaces/IInferenceSettlement.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {ISignerRegistry} from "../interfaces/ISignerRegistry.sol";
import {ITeeRegistry} from "../interfaces/ITeeRegistry.sol";
import {IZkVerifier} from "../interfaces/IZkVerifier.sol";
import {InferenceTypedData} from "../libraries/InferenceTypedData.sol";
import {Tier} from "../libraries/Tier.sol";

/// @title InferenceSettlement
/// @notice Escrow and settlement of mixed-tier inference batches.
contract InferenceSettlement is IInferenceSettlement, EIP712 {
    using BitMaps for BitMaps.BitMap;
    using SafeERC20 for IERC20;

    /// @notice The BN254 scalar field order: public inputs of a Groth16 proof are below it.
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    uint256 private constant _ZK_PROOF_LENGTH = 8 * 32;
    uint256 private constant _SIGNATURE_LENGTH = 65;

    /// @dev A pending withdrawal of a client's deposit.
    struct Withdrawal {
        uint192 amount;
        uint64 readyAt;
    }

    /// @notice The payment token.
    IERC20 public immutable token;
    /// @notice Where models, their verifiers, tiers and prices are registered.
    IModelRegistry public immutable modelRegistry;
    /// @notice Where SIGNED-tier keys and stakes are registered.
    ISignerRegistry public immutable signerRegistry;
    /// @notice Where TEE-tier enclave keys are registered.
    ITeeRegistry public immutable teeRegistry;
    /// @notice Seconds per statistics epoch.
    uint64 public immutable epochLength;
    /// @notice Seconds between a client's withdrawal request and the withdrawal, so that providers can settle
    /// results the client already received.
    uint64 public immutable withdrawalDelay;

    mapping(address client => uint256) private _deposits;
    mapping(address provider => uint256) private _earnings;
    mapping(address client => Withdrawal) private _withdrawals;
    /// @dev Request ids settled per client: an unordered nonce bitmap (256 ids per storage word, as in Permit2).
    mapping(address client => BitMaps.BitMap) private _settledRequests;
    mapping(uint64 epoch => TierStat[3]) private _tierStats;

    constructor(
        IERC20 token_,
        IModelRegistry modelRegistry_,
        ISignerRegistry signerRegistry_,
        ITeeRegistry teeRegistry_,
        uint64 epochLength_,
        uint64 withdrawalDelay_
    ) EIP712("InferenceSettlement", "1") {
        if (
            address(token_) == address(0) ||
            address(modelRegistry_) == address(0) ||
            address(signerRegistry_) == address(0) ||
            address(teeRegistry_) == address(0)
        ) revert SettlementZeroAddress();
        if (epochLength_ == 0) revert SettlementInvalidParameter("epochLength");
        token = token_;
        modelRegistry = modelRegistry_;
        signerRegistry = signerRegistry_;
        teeRegistry = teeRegistry_;
        epochLength = epochLength_;
        withdrawalDelay = withdrawalDelay_;
    }

    // ------------------------------------------------------------------ settlement

    /// @inheritdoc IInferenceSettlement
    function settle(Item[] calldata items, Mode mode) external returns (uint256 settled) {
        uint256 count = items.length;
        if (count == 0) revert SettlementEmptyBatch();
        uint64 epoch = epochOf(block.timestamp);
        bool[] memory zkVerified = _batchVerifyZkProofs(items);
        for (uint256 i; i < count; ++i) {
            Item calldata item = items[i];
            bytes memory reason = _check(item, zkVerified[i]);
            if (reason.length != 0) {
                if (mode == Mode.Atomic) _revertWith(reason);
                emit ItemRejected(i, item.requestId, item.client, reason);
                continue;
            }
            _apply(item, epoch);
            ++settled;
        }
        emit BatchSettled(msg.sender, mode, settled, count - settled);
    }

    /// @dev Every check of one item, cheapest first. Returns the ABI-encoded custom error, or nothing if the item
    /// may settle. Only view calls: the item's effects come after, in `_apply`. `zkVerified`: the item's proof was
    /// already verified in a batch with the other ZK items of its model, against the same verifier.
    function _check(Item calldata item, bool zkVerified) private view returns (bytes memory) {
        bytes32 requestId = item.requestId;
        if (uint256(requestId) >= SNARK_SCALAR_FIELD) {
            return abi.encodeWithSelector(SettlementRequestIdOutOfField.selector, requestId);
        }
        if (_settledRequests[item.client].get(uint256(requestId))) {
            return abi.encodeWithSelector(SettlementRequestAlreadySettled.selector, item.client, requestId);
        }
        if (block.timestamp > item.deadline) {
            return abi.encodeWithSelector(SettlementOrderExpired.selector, requestId, item.deadline);
        }
        (bool accepted, uint256 modelPrice, address verifier, bytes32 weightsBinding) = modelRegistry.terms(
            item.modelId,
            item.tier
        );
        if (!accepted) {
            return abi.encodeWithSelector(SettlementTierNotAccepted.selector, requestId, item.modelId, item.tier);
        }
        if (item.price < modelPrice) {
            return abi.encodeWithSelector(SettlementPriceBelowModelPrice.selector, requestId, item.price, modelPrice);
        }
        uint256 balance = _deposits[item.client];
        if (balance < item.price) {
            return abi.encodeWithSelector(SettlementInsufficientDeposit.selector, item.client, balance, item.price);
        }
        bytes32 orderHash = InferenceTypedData.hashOrder(item);
        if (
            !SignatureChecker.isValidSignatureNowCalldata(
                item.client,
                _hashTypedDataV4(orderHash),
                item.clientSignature
            )
        ) {
            return abi.encodeWithSelector(SettlementInvalidClientSignature.selector, requestId, item.client);
        }
        if (item.tier == Tier.ZK) return zkVerified ? bytes("") : _checkZkProof(item, verifier, weightsBinding);
        return _checkResultSignature(item, orderHash);
    }

    /// @dev Verifies the well-formed ZK proofs of each model that has several in the batch with one
    /// `verifyProofs` call (N + 3 pairings instead of 4N) and marks them verified. A group that fails (a false proof
    /// among them) is left unmarked: its items are verified one by one in `_check`, which names the false one.
    function _batchVerifyZkProofs(Item[] calldata items) private view returns (bool[] memory verified) {
        uint256 count = items.length;
        verified = new bool[](count);
        bytes32[] memory models = new bytes32[](count);
        uint256[] memory sizes = new uint256[](count);
        uint256[] memory groupOf = new uint256[](count); // group index + 1; 0 for items not batched
        uint256 groups;
        for (uint256 i; i < count; ++i) {
            Item calldata item = items[i];
            if (item.tier != Tier.ZK || item.proof.length != _ZK_PROOF_LENGTH) continue;
            uint256 group;
            while (group < groups && models[group] != item.modelId) ++group;
            if (group == groups) models[groups++] = item.modelId;
            ++sizes[group];
            groupOf[i] = group + 1;
        }
        for (uint256 group; group < groups; ++group) {
            if (sizes[group] > 1) _verifyGroup(items, groupOf, group + 1, sizes[group], models[group], verified);
        }
    }

    /// @dev One `verifyProofs` call for the `size` items whose `groupOf` is `tag`, all of model `modelId`.
    function _verifyGroup(
        Item[] calldata items,
        uint256[] memory groupOf,
        uint256 tag,
        uint256 size,
        bytes32 modelId,
        bool[] memory verified
    ) private view {
        (bool accepted, , address verifier, bytes32 weightsBinding) = modelRegistry.terms(modelId, Tier.ZK);
        if (!accepted) return;
        (uint256[8][] memory proofs, uint256[] memory publicSignals, uint256[] memory members) = _groupInputs(
            items,
            groupOf,
            tag,
            size,
            weightsBinding
        );
        try IZkVerifier(verifier).verifyProofs(proofs, publicSignals) returns (bool valid) {
            if (!valid) return;
        } catch {
            return;
        }
        for (uint256 k; k < size; ++k) verified[members[k]] = true;
    }

    /// @dev The proofs and public signals of the `size` items whose `groupOf` is `tag`, and their indices.
    function _groupInputs(
        Item[] calldata items,
        uint256[] memory groupOf,
        uint256 tag,
        uint256 size,
        bytes32 weightsBinding
    ) private pure returns (uint256[8][] memory proofs, uint256[] memory publicSignals, uint256[] memory members) {
        proofs = new uint256[8][](size);
        uint256 stride = weightsBinding == bytes32(0) ? 3 : 4;
        publicSignals = new uint256[](size * stride);
        members = new uint256[](size);
        uint256 k;
        for (uint256 i; k < size; ++i) {
            if (groupOf[i] != tag) continue;
            // abi.encode(uint256[2] a, uint256[2][2] b, uint256[2] c) is the 8-word layout verifyProofs takes.
            proofs[k] = abi.decode(items[i].proof, (uint256[8]));
            _writeZkSignals(publicSignals, k * stride, items[i], weightsBinding);
            members[k++] = i;
        }
    }

    /// @dev The public signals of a ZK item at `signals[at..]`: [inputHash, outputHash, requestId], or for a
    /// private-weights model (`weightsBinding` nonzero) [inputHash, outputHash, weightsBinding, requestId], so the
    /// proof must come from the committed weights.
    function _writeZkSignals(
        uint256[] memory signals,
        uint256 at,
        Item calldata item,
        bytes32 weightsBinding
    ) private pure {
        signals[at] = uint256(item.inputHash);
        signals[at + 1] = uint256(item.outputHash);
        if (weightsBinding == bytes32(0)) {
            signals[at + 2] = uint256(item.requestId);
        } else {
            signals[at + 2] = uint256(weightsBinding);
            signals[at + 3] = uint256(item.requestId);
        }
    }

    /// @dev ZK tier: the model's verifier must accept the proof for the item's public signals (`_writeZkSignals`).
    /// The verifier itself rejects public inputs that are not below the scalar field. Private-weights circuits have
    /// four public signals, so their verifiers are called through `verifyProofs` with one proof.
    function _checkZkProof(
        Item calldata item,
        address verifier,
        bytes32 weightsBinding
    ) private view returns (bytes memory) {
        if (item.proof.length != _ZK_PROOF_LENGTH) {
            return abi.encodeWithSelector(SettlementMalformedProof.selector, item.requestId, item.tier);
        }
        if (weightsBinding == bytes32(0)) {
            (uint256[2] memory a, uint256[2][2] memory b, uint256[2] memory c) = abi.decode(
                item.proof,
                (uint256[2], uint256[2][2], uint256[2])
            );
            uint256[3] memory signals = [uint256(item.inputHash), uint256(item.outputHash), uint256(item.requestId)];
            try IZkVerifier(verifier).verifyProof(a, b, c, signals) returns (bool valid) {
                if (valid) return "";
            } catch {}
        } else {
            uint256[8][] memory proofs = new uint256[8][](1);
            proofs[0] = abi.decode(item.proof, (uint256[8]));
            uint256[] memory signals = new uint256[](4);
            _writeZkSignals(signals, 0, item, weightsBinding);
            try IZkVerifier(verifier).verifyProofs(proofs, signals) returns (bool valid) {
                if (valid) return "";
            } catch {}
        }
        return abi.encodeWithSelector(SettlementInvalidZkProof.selector, item.requestId);
    }

    /// @dev TEE and SIGNED tiers: a registered, currently valid key of the item's provider signed the result.
    function _checkResultSignature(Item calldata item, bytes32 orderHash) private view returns (bytes memory) {
        bytes32 requestId = item.requestId;
        if (item.proof.length != _SIGNATURE_LENGTH) {
            return abi.encodeWithSelector(SettlementMalformedProof.selector, requestId, item.tier);
        }
        bytes32 digest = _hashTypedDataV4(InferenceTypedData.hashResult(orderHash, item.outputHash));
        // tryRecover refuses malleable (high-s) signatures.
        (address key, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, item.proof);
        if (err != ECDSA.RecoverError.NoError) {
            return abi.encodeWithSelector(SettlementInvalidResultSignature.selector, requestId);
        }

        address keyOwner;
        if (item.tier == Tier.TEE) {
            ITeeRegistry.EnclaveStatus status;
            (keyOwner, status) = teeRegistry.enclaveStatus(key, item.modelId);
            if (status == ITeeRegistry.EnclaveStatus.None) {
                return abi.encodeWithSelector(SettlementUnknownEnclave.selector, requestId, key);
            }
            if (status != ITeeRegistry.EnclaveStatus.Active) {
                return abi.encodeWithSelector(SettlementEnclaveNotActive.selector, requestId, key, uint8(status));
            }
        } else {
            ISignerRegistry.SignerStatus status;
            (keyOwner, status) = signerRegistry.signerStatus(key);
            if (status == ISignerRegistry.SignerStatus.None) {
                return abi.encodeWithSelector(SettlementUnknownSigner.selector, requestId, key);
            }
            if (status != ISignerRegistry.SignerStatus.Active) {
                return abi.encodeWithSelector(SettlementSignerNotActive.selector, requestId, key, uint8(status));
            }
        }
        if (keyOwner != item.provider) {
            return abi.encodeWithSelector(SettlementProviderMismatch.selector, requestId, item.provider, keyOwner);
        }
        return "";
    }

    /// @dev The effects of a verified item: spend its request id, move the price, count it.
    function _apply(Item calldata item, uint64 epoch) private {
        uint256 price = item.price;
        _settledRequests[item.client].set(uint256(item.requestId));
        // `_check` ensured the deposit covers the price.
        unchecked {
            _deposits[item.client] -= price;
        }
        _earnings[item.provider] += price;
        TierStat storage stat = _tierStats[epoch][uint8(item.tier)];
        stat.count += 1;
        stat.value += SafeCast.toUint192(price);
        emit ItemSettled(
            item.requestId,
            item.client,
            item.provider,
            item.modelId,
            item.tier,
            price,
            item.inputHash,
            item.outputHash,
            epoch
        );
    }

    /// @dev Reverts with an already ABI-encoded custom error.
    function _revertWith(bytes memory reason) private pure {
        // Safe: reads only the bytes of `reason` and never returns.
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }

    // ------------------------------------------------------------------ escrow

    /// @inheritdoc IInferenceSettlement
    function depositFor(address client, uint256 amount) external {
        if (client == address(0)) revert SettlementZeroAddress();
        if (amount == 0) revert SettlementZeroAmount();
        uint256 newBalance = _deposits[client] + amount;
        _deposits[client] = newBalance;
        emit Deposited(client, msg.sender, amount, newBalance);
        // Credits `amount` before the transfer (checks-effects-interactions); tokens that take a fee on transfer
        // are not supported.
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IInferenceSettlement
    function requestWithdrawal(uint256 amount) external {
        if (amount == 0) revert SettlementZeroAmount();
        uint256 balance = _deposits[msg.sender];
        if (amount > balance) revert SettlementInsufficientBalance(msg.sender, balance, amount);
        uint64 readyAt = uint64(block.timestamp) + withdrawalDelay;
        // amount <= balance <= total token supply held here, which fits in 192 bits for any sane token.
        _withdrawals[msg.sender] = Withdrawal({amount: SafeCast.toUint192(amount), readyAt: readyAt});
        emit WithdrawalRequested(msg.sender, amount, readyAt);
    }

    /// @inheritdoc IInferenceSettlement
    function withdraw(address to) external returns (uint256 amount) {
        if (to == address(0)) revert SettlementZeroAddress();
        Withdrawal memory pending = _withdrawals[msg.sender];
        if (pending.readyAt == 0 || block.timestamp < pending.readyAt) {
            revert SettlementWithdrawalNotReady(msg.sender, pending.readyAt);
        }
        uint256 balance = _deposits[msg.sender];
        amount = pending.amount < balance ? pending.amount : balance;
        delete _withdrawals[msg.sender];
        uint256 newBalance = balance - amount;
        _deposits[msg.sender] = newBalance;
        emit Withdrawn(msg.sender, to, amount, newBalance);
        if (amount != 0) token.safeTransfer(to, amount);
    }

    /// @inheritdoc IInferenceSettlement
    function withdrawEarnings(address to) external returns (uint256 amount) {
        if (to == address(0)) revert SettlementZeroAddress();
        amount = _earnings[msg.sender];
        if (amount == 0) revert SettlementZeroAmount();
        _earnings[msg.sender] = 0;
        emit EarningsWithdrawn(msg.sender, to, amount);
        token.safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IInferenceSettlement
    function depositOf(address client) external view returns (uint256) {
        return _deposits[client];
    }

    /// @inheritdoc IInferenceSettlement
    function earningsOf(address provider) external view returns (uint256) {
        return _earnings[provider];
    }

    /// @notice A client's pending withdrawal.
    function pendingWithdrawal(address client) external view returns (uint256 amount, uint64 readyAt) {
        Withdrawal memory pending = _withdrawals[client];
        return (pending.amount, pending.readyAt);
    }

    /// @inheritdoc IInferenceSettlement
    function isRequestSettled(address client, bytes32 requestId) external view returns (bool) {
        return _settledRequests[client].get(uint256(requestId));
    }

    /// @inheritdoc IInferenceSettlement
    function orderDigest(Item calldata item) external view returns (bytes32) {
        return _hashTypedDataV4(InferenceTypedData.hashOrder(item));
    }

    /// @inheritdoc IInferenceSettlement
    function resultDigest(Item calldata item) external view returns (bytes32) {
        return _hashTypedDataV4(InferenceTypedData.hashResult(InferenceTypedData.hashOrder(item), item.outputHash));
    }

    /// @inheritdoc IInferenceSettlement
    function epochOf(uint256 timestamp) public view returns (uint64) {
        return uint64(timestamp / epochLength);
    }

    /// @inheritdoc IInferenceSettlement
    function getTierStats(uint64 fromEpoch, uint64 toEpoch) external view returns (TierStat[3][] memory stats) {
        if (toEpoch < fromEpoch) revert SettlementInvalidEpochRange(fromEpoch, toEpoch);
        stats = new TierStat[3][](uint256(toEpoch - fromEpoch) + 1);
        for (uint256 i; i < stats.length; ++i) {
            stats[i] = _tierStats[fromEpoch + uint64(i)];
        }
    }
}
