// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BitMaps} from "@openzeppelin/contracts/utils/structs/BitMaps.sol";

import {IERC3009} from "../interfaces/IERC3009.sol";
import {IInferenceSettlement} from "../interfaces/IInferenceSettlement.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IPauseGuard} from "../interfaces/IPauseGuard.sol";
import {ISignedResultCommitments} from "../interfaces/ISignedResultCommitments.sol";
import {ISignedResultDisputes} from "../interfaces/ISignedResultDisputes.sol";
import {ISignerRegistry} from "../interfaces/ISignerRegistry.sol";
import {ITeeRegistry} from "../interfaces/ITeeRegistry.sol";
import {InferenceTypedData} from "../libraries/InferenceTypedData.sol";
import {SignedResults} from "../libraries/SignedResults.sol";
import {Tier, TierSet} from "../libraries/Tier.sol";
import {ZkStatement} from "../libraries/ZkStatement.sol";

/// @title InferenceSettlement
/// @notice Escrow and settlement of mixed-tier inference batches, paid from escrow, by EIP-3009 authorisations
/// (x402 `exact`) or by cumulative vouchers (x402 `upto`, batched); see `IInferenceSettlement`. SIGNED results are
/// committed per batch and their payments held for the dispute path's challenge window; see
/// `ISignedResultCommitments`.
contract InferenceSettlement is IInferenceSettlement, ISignedResultCommitments, EIP712, ReentrancyGuard {
    using BitMaps for BitMaps.BitMap;
    using SafeERC20 for IERC20;

    /// @notice The BN254 scalar field order: public inputs of a Groth16 proof are below it.
    uint256 public constant SNARK_SCALAR_FIELD =
        21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// @dev The most epochs one `getTierStats` call returns: a longer range would run out of gas or memory.
    uint64 private constant _MAX_STATS_EPOCHS = 1024;

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
    /// @notice The emergency switch: while its settlement scope is paused, `settle` and `settleWithVouchers` revert;
    /// deposits, withdrawals, earnings, held earnings' release and disputes never pause.
    IPauseGuard public immutable pauseGuard;

    mapping(address client => uint256) private _deposits;
    mapping(address provider => uint256) private _earnings;
    mapping(address client => Withdrawal) private _withdrawals;
    /// @dev Request ids settled per client: an unordered nonce bitmap (256 ids per storage word, as in Permit2).
    mapping(address client => BitMaps.BitMap) private _settledRequests;
    mapping(uint64 epoch => TierStat[3]) private _tierStats;
    mapping(address client => mapping(address provider => VoucherState)) private _voucherStates;

    // SIGNED-result disputes (ISignedResultCommitments): per batch with SIGNED items, one slot read and one held entry
    // per provider written (keyed by the batch's results hash); nothing written per item.
    /// @dev The dispute path and its window, packed in one slot.
    struct DisputeConfig {
        address disputes;
        uint64 challengeWindow;
    }
    /// @dev SIGNED items of the batch being settled: their leaves and what they pay each provider. The dispute
    /// configuration is read and the arrays allocated (`capacity` entries) at the first SIGNED item, so batches
    /// without SIGNED items pay nothing for disputes. `_holdSigned` reads the fields by their memory offsets (one word
    /// each, in this order): keep the order.
    struct SignedBatchBuilder {
        uint256 capacity; // 0x00
        bool loaded; // 0x20
        bool holds; // 0x40: a dispute path is wired, so SIGNED payments are held
        DisputeConfig config; // 0x60
        bytes32[] leaves; // 0x80
        uint256 leafCount; // 0xa0
        address[] providers; // 0xc0
        uint256[] amounts; // 0xe0
        uint256 providerCount; // 0x100
    }
    /// @dev Who may call `setDisputes`, once.
    address private immutable _deployer;
    DisputeConfig private _disputeConfig;
    mapping(uint256 batchId => mapping(address provider => HeldEarnings)) private _held;

    constructor(
        IERC20 token_,
        IModelRegistry modelRegistry_,
        ISignerRegistry signerRegistry_,
        ITeeRegistry teeRegistry_,
        uint64 epochLength_,
        uint64 withdrawalDelay_,
        IPauseGuard pauseGuard_
    ) EIP712("InferenceSettlement", "1") {
        if (
            address(token_) == address(0) ||
            address(modelRegistry_) == address(0) ||
            address(signerRegistry_) == address(0) ||
            address(teeRegistry_) == address(0) ||
            address(pauseGuard_) == address(0)
        ) revert SettlementZeroAddress();
        if (epochLength_ == 0) revert SettlementInvalidParameter("epochLength");
        token = token_;
        modelRegistry = modelRegistry_;
        signerRegistry = signerRegistry_;
        teeRegistry = teeRegistry_;
        epochLength = epochLength_;
        withdrawalDelay = withdrawalDelay_;
        pauseGuard = pauseGuard_;
        _deployer = msg.sender;
    }

    // ------------------------------------------------------------------ settlement

    /// @dev What `settle` keeps in memory for one batch: registry answers (each model/tier and each key is looked up
    /// once per batch; the registries cannot change during `settle`) and the state of each voucher.
    struct Batch {
        uint64 epoch;
        bytes32 domainSeparator; // this contract's EIP-712 domain separator, computed once
        bool hasZkItems; // set by the voucher pass only
        uint256 termCount;
        Terms[] terms;
        Terms lastTerms; // the entry of `terms` used last: consecutive items usually share a model and tier
        uint256 keyCount;
        KeyLookup[] keys;
        KeyLookup lastKey; // likewise for `keys`
        IInferenceSettlement.Voucher[] vouchers;
        uint256[] voucherOf; // per item: index + 1 of the voucher paying it, 0 if none
        bytes32[] orderHashes; // per item paid by a voucher: its order's struct hash, from chaining it
        VoucherRun[] runs; // per voucher
        uint256[3] tierCounts; // items settled per tier, written to `_tierStats` once at the end
        uint256[3] tierValues; // value settled per tier, likewise
        SignedBatchBuilder signed; // the batch's SIGNED results and held earnings (`_holdSigned`)
        // The request-id bitmap word in use: consecutive request ids of a client share it, so it is read once and
        // written once for all of them (`_useRequestWord`, `_storeRequestWord`).
        address wordClient;
        uint256 wordIndex;
        uint256 word;
        bool wordLoaded;
        bool wordDirty;
    }

    /// @dev What one voucher of the batch may pay and has paid.
    struct VoucherRun {
        bytes error; // why the voucher does not verify; empty if it does
        uint256 remaining; // what it may still pay in this batch
        uint256 spent; // what it paid in this batch
        uint256 held; // the part of `spent` paid for SIGNED items, held per (batch, provider) instead of credited
        uint256 clientVoucher; // the index of the batch's first voucher of the same client
        // First voucher of a client only: the client's deposit when the batch started, and what the batch's items of
        // that client (paid by voucher or from escrow) took from it so far, written once in `_redeemVouchers`.
        uint256 deposit;
        uint256 pending;
    }

    /// @dev A cached `IModelRegistry.terms` answer.
    struct Terms {
        bytes32 modelId;
        Tier tier;
        bool accepted;
        uint256 price;
        address verifier;
        bytes32 weightsBinding; // nonzero for a private-weights model: its proofs have it as a public signal
    }

    /// @dev A cached key lookup: the owner of a TEE key (for `modelId`) or a SIGNED key, and its status.
    struct KeyLookup {
        address key;
        bytes32 modelId; // zero for SIGNED keys
        address owner;
        uint8 status;
    }

    /// @dev Registry answers cached per batch: enough distinct models and keys for any real batch; beyond that,
    /// lookups are not cached (still correct), so the cache search stays bounded.
    uint256 private constant _CACHE_SIZE = 8;

    /// @dev Settlement stops while the guard's settlement scope is paused (one view call per batch).
    modifier whenSettlementOpen() {
        _checkSettlementOpen();
        _;
    }

    function _checkSettlementOpen() private view {
        if (pauseGuard.settlementPaused()) revert SettlementPaused();
    }

    /// @inheritdoc IInferenceSettlement
    function settle(
        Item[] calldata items,
        Mode mode
    ) external nonReentrant whenSettlementOpen returns (uint256 settled) {
        return _settle(items, new Voucher[](0), mode);
    }

    /// @inheritdoc IInferenceSettlement
    function settleWithVouchers(
        Item[] calldata items,
        Voucher[] calldata vouchers,
        Mode mode
    ) external nonReentrant whenSettlementOpen returns (uint256 settled) {
        // A signature length word near 2^64 would make the copy of `vouchers` to memory panic (0x41).
        for (uint256 j; j < vouchers.length; ++j) _checkSignatureLength(vouchers[j]);
        return _settle(items, vouchers, mode);
    }

    /// @dev Reverts without data, like the rest of the ABI decoder, if `voucher`'s signature length word exceeds the
    /// calldata size: copying the voucher to memory would panic (0x41) on a length near 2^64 instead. Every other
    /// malformation is left to the decoder.
    function _checkSignatureLength(Voucher calldata voucher) private pure {
        // Safe: reads calldata only; an offset that wraps or points past calldata reads some word or zero, and a
        // well-formed voucher's signature lies within calldata.
        assembly ("memory-safe") {
            if gt(calldataload(add(voucher, calldataload(add(voucher, 0x80)))), calldatasize()) {
                revert(0, 0)
            }
        }
    }

    /// @dev The batch: vouchers are checked first (they depend on all items of their pair), then each item by its
    /// tier and payment; a verified item is paid, then applied; finally the vouchers' state is written once each.
    function _settle(Item[] calldata items, Voucher[] memory vouchers, Mode mode) private returns (uint256 settled) {
        uint256 count = items.length;
        uint256 rejected; // items skipped in Partial mode
        if (count == 0) revert SettlementEmptyBatch();
        Batch memory batch;
        batch.epoch = epochOf(block.timestamp);
        batch.domainSeparator = _domainSeparatorV4();
        batch.terms = new Terms[](_CACHE_SIZE);
        batch.keys = new KeyLookup[](_CACHE_SIZE);
        batch.vouchers = vouchers;
        batch.voucherOf = new uint256[](count);
        batch.signed.capacity = count;
        InferenceTypedData.ItemHead memory head; // one buffer, refilled for each item
        if (vouchers.length != 0) _checkVouchers(items, head, batch);
        bool[] memory zkVerified = _batchVerifyZkProofs(items, vouchers.length != 0, batch.hasZkItems);
        for (uint256 i; i < count; ++i) {
            Item calldata item;
            if (vouchers.length == 0) {
                item = items[i];
                _loadHead(item, head);
            } else {
                // Safe: the voucher pass already read every `items[i]` through Solidity's checked accessor and checked
                // its head with `_loadHead`, so this recomputes a checked pointer and copies a checked head.
                assembly ("memory-safe") {
                    item := add(items.offset, calldataload(add(items.offset, shl(5, i))))
                    calldatacopy(head, item, 0x180)
                }
            }
            // Consecutive request ids of a client share the batch's current bitmap word.
            if (
                !batch.wordLoaded || batch.wordIndex != uint256(head.requestId) >> 8 || batch.wordClient != head.client
            ) {
                _useRequestWord(batch, head.client, head.requestId);
            }
            bytes memory reason = _check(item, head, zkVerified[i], batch, i);
            if (reason.length == 0) reason = _pay(item, head, batch, i);
            if (reason.length != 0) {
                if (mode == Mode.Atomic) _revertWith(reason);
                emit ItemRejected(i, head.requestId, head.client, reason);
                ++rejected;
                continue;
            }
            _apply(head, batch);
        }
        settled = count - rejected;
        _storeRequestWord(batch);
        _recordTierStats(batch);
        if (vouchers.length != 0) _redeemVouchers(batch);
        if (batch.signed.leafCount != 0) _commitSignedBatch(batch.signed);
        emit BatchSettled(msg.sender, mode, settled, rejected, batch.epoch);
    }

    /// @dev The EIP-712 digest of `structHash` in this contract's domain (`_hashTypedDataV4` with the domain separator
    /// computed once per batch).
    function _digest(Batch memory batch, bytes32 structHash) private pure returns (bytes32) {
        return MessageHashUtils.toTypedDataHash(batch.domainSeparator, structHash);
    }

    /// @dev Copies `item`'s head into `head`, reverting (like the ABI decoder) if a word is not a valid encoding of
    /// its field: addresses and the uint64 deadline with high bits set, or an enum out of range.
    function _loadHead(Item calldata item, InferenceTypedData.ItemHead memory head) private pure {
        // Safe: writes the 12 words of `head`, an allocated memory struct, and reads the item's head, which the ABI
        // decoder checked lies within calldata.
        assembly ("memory-safe") {
            calldatacopy(head, item, 0x180)
            let dirty := or(shr(160, mload(add(head, 0x40))), shr(160, mload(add(head, 0x60))))
            dirty := or(dirty, or(gt(mload(add(head, 0x80)), 2), gt(mload(add(head, 0x160)), 2)))
            dirty := or(dirty, shr(64, mload(add(head, 0x100))))
            if dirty {
                revert(0, 0)
            }
        }
    }

    /// @dev Makes the bitmap word holding `requestId` of `client` the batch's current word, writing back the previous
    /// one if it changed. `_settle` calls it only when the item's word is not the current one.
    function _useRequestWord(Batch memory batch, address client, bytes32 requestId) private {
        uint256 index = uint256(requestId) >> 8;
        _storeRequestWord(batch);
        batch.wordClient = client;
        batch.wordIndex = index;
        batch.word = _settledRequests[client]._data[index];
        batch.wordLoaded = true;
    }

    /// @dev Writes the batch's current bitmap word back if items were settled in it.
    function _storeRequestWord(Batch memory batch) private {
        if (!batch.wordDirty) return;
        _settledRequests[batch.wordClient]._data[batch.wordIndex] = batch.word;
        batch.wordDirty = false;
    }

    /// @dev Adds the batch's per-tier counts and values to the epoch's statistics, one write per tier.
    function _recordTierStats(Batch memory batch) private {
        for (uint256 tier; tier < TierSet.COUNT; ++tier) {
            uint256 settledOfTier = batch.tierCounts[tier];
            if (settledOfTier == 0) continue;
            TierStat storage stat = _tierStats[batch.epoch][tier];
            stat.count += SafeCast.toUint64(settledOfTier);
            stat.value += SafeCast.toUint192(batch.tierValues[tier]);
        }
    }

    /// @dev Chains each pair's orders and records, per voucher, why it does not verify (signature, chain, rollback)
    /// or what it may pay in this batch.
    function _checkVouchers(
        Item[] calldata items,
        InferenceTypedData.ItemHead memory head,
        Batch memory batch
    ) private view {
        Voucher[] memory vouchers = batch.vouchers;
        uint256 voucherCount = vouchers.length;
        bytes32[] memory heads = _chainVoucherOrders(items, head, batch);
        batch.runs = new VoucherRun[](voucherCount);
        for (uint256 j; j < voucherCount; ++j) {
            Voucher memory voucher = vouchers[j];
            VoucherRun memory run = batch.runs[j];
            while (vouchers[run.clientVoucher].client != voucher.client) ++run.clientVoucher;
            if (run.clientVoucher == j) run.deposit = _deposits[voucher.client];
            uint256 paid = _voucherStates[voucher.client][voucher.provider].paid;
            bytes32 digest = _digest(batch, InferenceTypedData.hashVoucher(voucher));
            if (!SignatureChecker.isValidSignatureNow(voucher.client, digest, voucher.signature)) {
                run.error = abi.encodeWithSelector(
                    SettlementInvalidVoucherSignature.selector,
                    voucher.client,
                    voucher.provider
                );
            } else if (heads[j] != voucher.ordersHead) {
                run.error = abi.encodeWithSelector(
                    SettlementVoucherChainMismatch.selector,
                    voucher.client,
                    voucher.provider,
                    heads[j],
                    voucher.ordersHead
                );
            } else if (voucher.cumulativeAmount < paid) {
                run.error = abi.encodeWithSelector(
                    SettlementVoucherRollback.selector,
                    voucher.client,
                    voucher.provider,
                    voucher.cumulativeAmount,
                    paid
                );
            } else {
                run.remaining = voucher.cumulativeAmount - paid;
            }
        }
    }

    /// @dev Matches each `Voucher` item to its pair's voucher (`batch.voucherOf`) and chains the pair's orders, in
    /// batch order, from the pair's stored head. Reverts on two vouchers for one pair or a voucher without items.
    function _chainVoucherOrders(
        Item[] calldata items,
        InferenceTypedData.ItemHead memory head,
        Batch memory batch
    ) private view returns (bytes32[] memory heads) {
        Voucher[] memory vouchers = batch.vouchers;
        uint256 voucherCount = vouchers.length;
        heads = _storedVoucherHeads(vouchers);
        batch.orderHashes = new bytes32[](items.length);
        uint256 last; // the voucher of the previous voucher item: consecutive items usually share one
        (address lastClient, address lastProvider) = (vouchers[0].client, vouchers[0].provider);
        for (uint256 i; i < items.length; ++i) {
            Item calldata item = items[i];
            _loadHead(item, head);
            if (head.tier == Tier.ZK) batch.hasZkItems = true;
            if (head.payment != Payment.Voucher) continue;
            if (lastClient != head.client || lastProvider != head.provider) {
                last = voucherCount;
                for (uint256 j; j < voucherCount; ++j) {
                    if (vouchers[j].client == head.client && vouchers[j].provider == head.provider) {
                        last = j;
                        break;
                    }
                }
                if (last == voucherCount) {
                    last = 0;
                    (lastClient, lastProvider) = (vouchers[0].client, vouchers[0].provider);
                    continue; // no voucher: `_checkVoucherPayment` rejects the item
                }
                (lastClient, lastProvider) = (vouchers[last].client, vouchers[last].provider);
            }
            bytes32 orderHash = InferenceTypedData.hashOrder(head);
            heads[last] = InferenceTypedData.chainOrder(heads[last], orderHash);
            batch.orderHashes[i] = orderHash;
            // last < voucherCount: no overflow.
            unchecked {
                batch.voucherOf[i] = last + 1;
            }
        }
        for (uint256 j; j < voucherCount; ++j) {
            // A chain that took no order still ends at the stored head.
            if (heads[j] == _voucherStates[vouchers[j].client][vouchers[j].provider].ordersHead) {
                revert SettlementVoucherUnused(vouchers[j].client, vouchers[j].provider);
            }
        }
    }

    /// @dev The stored order-chain head of each voucher's pair. Reverts on two vouchers for one pair.
    function _storedVoucherHeads(Voucher[] memory vouchers) private view returns (bytes32[] memory heads) {
        uint256 voucherCount = vouchers.length;
        heads = new bytes32[](voucherCount);
        for (uint256 j; j < voucherCount; ++j) {
            (address client, address provider) = (vouchers[j].client, vouchers[j].provider);
            for (uint256 k; k < j; ++k) {
                if (vouchers[k].client == client && vouchers[k].provider == provider) {
                    revert SettlementDuplicateVoucher(client, provider);
                }
            }
            heads[j] = _voucherStates[client][provider].ordersHead;
        }
    }

    /// @dev Writes each verified voucher's new state once: the chain moves to its head (consuming every order of the
    /// pair in the batch, paid or not) and `paid` grows by what it paid.
    function _redeemVouchers(Batch memory batch) private {
        for (uint256 j; j < batch.vouchers.length; ++j) {
            VoucherRun memory run = batch.runs[j];
            Voucher memory voucher = batch.vouchers[j];
            // `_checkPayment` kept each client's pending debits within its deposit.
            if (run.clientVoucher == j && run.pending != 0) _deposits[voucher.client] -= run.pending;
            if (run.error.length != 0) continue;
            VoucherState storage state = _voucherStates[voucher.client][voucher.provider];
            uint256 amount = run.spent;
            uint256 totalPaid = state.paid + amount;
            state.paid = totalPaid;
            state.ordersHead = voucher.ordersHead;
            // The SIGNED items' part is held per (batch, provider) by `_commitSignedBatch` instead; run.held <= amount.
            // A voucher that paid only SIGNED items leaves the provider's earnings untouched (no cold read).
            uint256 credited = amount - run.held;
            if (credited != 0) _earnings[voucher.provider] += credited;
            emit VoucherRedeemed(
                voucher.client,
                voucher.provider,
                voucher.cumulativeAmount,
                amount,
                totalPaid,
                voucher.ordersHead
            );
        }
    }

    /// @dev Every check of one item, cheapest first. Returns the ABI-encoded custom error, or nothing if the item
    /// may settle. Only view calls: the item's effects come after, in `_pay` and `_apply`. `zkVerified`: the item's
    /// proof was already verified in a batch with the other ZK items of its model, against the same verifier.
    function _check(
        Item calldata item,
        InferenceTypedData.ItemHead memory head,
        bool zkVerified,
        Batch memory batch,
        uint256 index
    ) private view returns (bytes memory reason) {
        bytes32 requestId = head.requestId;
        if (uint256(requestId) >= SNARK_SCALAR_FIELD) {
            return abi.encodeWithSelector(SettlementRequestIdOutOfField.selector, requestId);
        }
        // `_settle` made the word holding this request id the batch's current word.
        if ((batch.word >> (uint256(requestId) & 0xff)) & 1 == 1) {
            return abi.encodeWithSelector(SettlementRequestAlreadySettled.selector, head.client, requestId);
        }
        if (block.timestamp > head.deadline) {
            return abi.encodeWithSelector(SettlementOrderExpired.selector, requestId, head.deadline);
        }
        Terms memory terms = batch.lastTerms;
        // A zero `lastTerms` (nothing looked up yet) answers "not accepted" for model id 0, as the registry does.
        if (terms.modelId != head.modelId || terms.tier != head.tier) terms = _terms(batch, head.modelId, head.tier);
        if (!terms.accepted) {
            return abi.encodeWithSelector(SettlementTierNotAccepted.selector, requestId, head.modelId, head.tier);
        }
        if (head.price < terms.price) {
            return abi.encodeWithSelector(SettlementPriceBelowModelPrice.selector, requestId, head.price, terms.price);
        }
        // Items paid by a voucher had their order hashed when the pair's chain was checked.
        uint256 paidBy = batch.voucherOf[index];
        bytes32 orderHash = paidBy != 0 ? batch.orderHashes[index] : InferenceTypedData.hashOrder(head);
        reason =
            head.payment == Payment.Voucher
                ? _checkVoucherPayment(head, batch, paidBy)
                : _checkPayment(item, head, orderHash, batch);
        if (reason.length != 0 || (head.tier == Tier.ZK && zkVerified)) return reason;
        if (head.tier == Tier.ZK) return _checkZkProof(item, terms.verifier, terms.weightsBinding);
        return _checkResultSignature(item, head, orderHash, batch);
    }

    /// @dev The client's authorisation of the item's payment, by its kind (see `IInferenceSettlement`). `Exact`
    /// authorisations are checked by the token when `_pay` redeems them.
    function _checkPayment(
        Item calldata item,
        InferenceTypedData.ItemHead memory head,
        bytes32 orderHash,
        Batch memory batch
    ) private view returns (bytes memory reason) {
        Payment payment = head.payment;
        if (payment == Payment.Exact) {
            if (item.clientSignature.length < 64) {
                return abi.encodeWithSelector(SettlementMalformedPayment.selector, head.requestId);
            }
            return reason; // empty: no allocation
        }
        address client = head.client;
        uint256 clientRun = _clientRun(batch, client);
        uint256 balance;
        if (clientRun != 0) {
            VoucherRun memory first = batch.runs[clientRun - 1];
            balance = first.deposit - first.pending;
        } else {
            balance = _deposits[client];
        }
        if (balance < head.price) {
            return abi.encodeWithSelector(SettlementInsufficientDeposit.selector, client, balance, head.price);
        }
        if (!SignatureChecker.isValidSignatureNowCalldata(client, _digest(batch, orderHash), item.clientSignature)) {
            return abi.encodeWithSelector(SettlementInvalidClientSignature.selector, head.requestId, client);
        }
        return reason; // empty: no allocation
    }

    /// @dev A `Voucher` item: its pair's voucher (`paidBy`: index + 1, 0 if none) verified, may still pay the price,
    /// and the client's deposit, less what the batch already took from it, covers it.
    function _checkVoucherPayment(
        InferenceTypedData.ItemHead memory head,
        Batch memory batch,
        uint256 paidBy
    ) private pure returns (bytes memory reason) {
        if (paidBy == 0) {
            return abi.encodeWithSelector(SettlementNoVoucher.selector, head.requestId, head.client, head.provider);
        }
        uint256 voucher;
        // paidBy != 0 (checked above).
        unchecked {
            voucher = paidBy - 1;
        }
        VoucherRun memory run = batch.runs[voucher];
        if (run.error.length != 0) return run.error;
        uint256 price = head.price;
        if (price > run.remaining) {
            return abi.encodeWithSelector(SettlementVoucherExceeded.selector, head.requestId, run.remaining, price);
        }
        VoucherRun memory first = run.clientVoucher == voucher ? run : batch.runs[run.clientVoucher];
        uint256 balance;
        // pending <= deposit: every debit added to pending was first checked against deposit - pending.
        unchecked {
            balance = first.deposit - first.pending;
        }
        if (balance < price) {
            return abi.encodeWithSelector(SettlementInsufficientDeposit.selector, head.client, balance, price);
        }
        return reason; // empty: no allocation
    }

    /// @dev Moves a verified item's price to its provider: from the client's deposit (`Escrow`, `Voucher`), or pulled
    /// from the client's token balance with its EIP-3009 authorisation (`Exact`). Returns why the pull failed, or
    /// nothing. The pull is the only external call that can change state; the token is this contract's immutable
    /// payment token and `settle` is non-reentrant.
    function _pay(
        Item calldata item,
        InferenceTypedData.ItemHead memory head,
        Batch memory batch,
        uint256 index
    ) private returns (bytes memory reason) {
        uint256 price = head.price;
        if (head.payment == Payment.Exact) {
            reason = _pullExact(item, head, batch);
            if (reason.length != 0) return reason;
        } else if (head.payment == Payment.Voucher) {
            // Debited from the deposit and credited to the provider once per client or voucher, in `_redeemVouchers`.
            uint256 voucher;
            // `_checkVoucherPayment` passed, so the item has a voucher: voucherOf[index] != 0.
            unchecked {
                voucher = batch.voucherOf[index] - 1;
            }
            VoucherRun memory run = batch.runs[voucher];
            // A SIGNED item paid by voucher is disputable like any other: its leaf is committed and its price held
            // (not credited in `_redeemVouchers`). A reversal refunds the client's deposit; the voucher's `paid`
            // keeps counting it, so the client's later vouchers need not sign for it again, and the provider is
            // never paid it twice.
            bool held = head.tier == Tier.SIGNED && _holdSigned(batch.signed, head);
            // `_checkVoucherPayment` ensured price <= run.remaining and price <= deposit - pending of the client's
            // first run. So remaining never underflows, spent + remaining stays what the voucher could pay at the
            // start (at most its cumulative amount), held <= spent, and pending stays within the deposit: none
            // overflows.
            unchecked {
                run.remaining -= price;
                run.spent += price;
                (run.clientVoucher == voucher ? run : batch.runs[run.clientVoucher]).pending += price;
                if (held) run.held += price;
            }
            return reason; // empty: no allocation
        } else {
            uint256 clientRun = _clientRun(batch, head.client);
            if (clientRun != 0) {
                // The client also pays by voucher in this batch: its deposit is written once, in `_redeemVouchers`.
                batch.runs[clientRun - 1].pending += price;
            } else {
                // `_checkPayment` ensured the deposit covers the price.
                unchecked {
                    _deposits[head.client] -= price;
                }
            }
        }
        // With a dispute path, a SIGNED item's price goes to the batch's held earnings instead (`_holdSigned`).
        if (head.tier != Tier.SIGNED || !_holdSigned(batch.signed, head)) _earnings[head.provider] += price;
        return reason; // empty: no allocation
    }

    /// @dev Redeems an `Exact` item's EIP-3009 authorisation: pulls the price from the client to this contract, with
    /// the order's digest as nonce. Returns the token's refusal as `SettlementPaymentFailed`, or nothing.
    function _pullExact(
        Item calldata item,
        InferenceTypedData.ItemHead memory head,
        Batch memory batch
    ) private returns (bytes memory reason) {
        bytes calldata authorization = item.clientSignature;
        bytes32 nonce = _digest(batch, InferenceTypedData.hashOrder(head));
        try
            IERC3009(address(token)).receiveWithAuthorization(
                head.client,
                address(this),
                head.price,
                uint256(bytes32(authorization[0:32])),
                uint256(bytes32(authorization[32:64])),
                nonce,
                authorization[64:]
            )
        {} catch (bytes memory tokenError) {
            return abi.encodeWithSelector(SettlementPaymentFailed.selector, head.requestId, tokenError);
        }
        return reason; // empty: no allocation
    }

    /// @dev The index + 1 of the batch's first voucher of `client` (whose run holds the client's deposit and pending
    /// debits), 0 if the client has no voucher in the batch.
    function _clientRun(Batch memory batch, address client) private pure returns (uint256) {
        Voucher[] memory vouchers = batch.vouchers;
        for (uint256 j; j < vouchers.length; ++j) {
            if (vouchers[j].client == client) return j + 1;
        }
        return 0;
    }

    /// @dev The model's terms for `tier`, asked of the registry once per batch (`_check` tries `batch.lastTerms` first).
    function _terms(Batch memory batch, bytes32 modelId, Tier tier) private view returns (Terms memory known) {
        uint256 cached = batch.termCount;
        for (uint256 k; k < cached; ++k) {
            known = batch.terms[k];
            if (known.modelId == modelId && known.tier == tier) {
                batch.lastTerms = known;
                return known;
            }
        }
        (bool accepted, uint256 price, address verifier, bytes32 weightsBinding) = modelRegistry.terms(modelId, tier);
        known = Terms(modelId, tier, accepted, price, verifier, weightsBinding);
        batch.lastTerms = known;
        if (cached < _CACHE_SIZE) {
            batch.terms[cached] = known;
            batch.termCount = cached + 1;
        }
    }

    /// @dev Whether the batch has a ZK item.
    function _hasZkItems(Item[] calldata items) private pure returns (bool) {
        for (uint256 i; i < items.length; ++i) if (items[i].tier == Tier.ZK) return true;
        return false;
    }

    /// @dev Per item, whether its ZK proof was verified together with the other ZK proofs of its model
    /// (`ZkStatement.verifyItems`). `scanned`: the voucher pass already saw every item and set `hasZkItems`; else the
    /// items are scanned here. Batches without ZK items never call the library, which reads the items from this call's
    /// arguments (both entry points take `items` first).
    function _batchVerifyZkProofs(
        Item[] calldata items,
        bool scanned,
        bool hasZkItems
    ) private view returns (bool[] memory) {
        if (!scanned) hasZkItems = _hasZkItems(items);
        return hasZkItems ? ZkStatement.verifyItems(address(modelRegistry), msg.data[4:]) : new bool[](items.length);
    }

    /// @dev ZK tier: the model's verifier must accept the proof for the item's statement (`ZkStatement`).
    function _checkZkProof(
        Item calldata item,
        address verifier,
        bytes32 weightsBinding
    ) private view returns (bytes memory) {
        if (item.proof.length != ZkStatement.PROOF_LENGTH) {
            return abi.encodeWithSelector(SettlementMalformedProof.selector, item.requestId, item.tier);
        }
        if (
            ZkStatement.verifyOne(verifier, weightsBinding, item.inputHash, item.outputHash, item.requestId, item.proof)
        ) {
            return "";
        }
        return abi.encodeWithSelector(SettlementInvalidZkProof.selector, item.requestId);
    }

    /// @dev TEE and SIGNED tiers: a registered, currently valid key of the item's provider signed the result.
    function _checkResultSignature(
        Item calldata item,
        InferenceTypedData.ItemHead memory head,
        bytes32 orderHash,
        Batch memory batch
    ) private view returns (bytes memory reason) {
        bytes32 requestId = head.requestId;
        uint256 signature = _signatureAt(item, head);
        if (signature == 0) {
            return abi.encodeWithSelector(SettlementMalformedProof.selector, requestId, head.tier);
        }
        bytes32 digest = _digest(batch, InferenceTypedData.hashResult(orderHash, head.outputHash));
        address key = _recover(digest, signature);
        if (key == address(0)) {
            return abi.encodeWithSelector(SettlementInvalidResultSignature.selector, requestId);
        }

        bytes32 keyModel = head.tier == Tier.TEE ? head.modelId : bytes32(0);
        KeyLookup memory lookup = batch.lastKey;
        // `key` is never zero (`_recover` returns zero only for invalid signatures), so a zero `lastKey` never hits.
        if (lookup.key != key || lookup.modelId != keyModel) lookup = _keyLookup(batch, key, keyModel);
        (address keyOwner, uint8 status) = (lookup.owner, lookup.status);
        if (head.tier == Tier.TEE) {
            if (status == uint8(ITeeRegistry.EnclaveStatus.None)) {
                return abi.encodeWithSelector(SettlementUnknownEnclave.selector, requestId, key);
            }
            if (status != uint8(ITeeRegistry.EnclaveStatus.Active)) {
                return abi.encodeWithSelector(SettlementEnclaveNotActive.selector, requestId, key, status);
            }
        } else {
            if (status == uint8(ISignerRegistry.SignerStatus.None)) {
                return abi.encodeWithSelector(SettlementUnknownSigner.selector, requestId, key);
            }
            if (status != uint8(ISignerRegistry.SignerStatus.Active)) {
                return abi.encodeWithSelector(SettlementSignerNotActive.selector, requestId, key, status);
            }
        }
        if (keyOwner != head.provider) {
            return abi.encodeWithSelector(SettlementProviderMismatch.selector, requestId, head.provider, keyOwner);
        }
        return reason; // empty: no allocation
    }

    /// @dev The calldata offset of the item's `proof` bytes if it is a 65-byte signature within calldata, else 0. Reads
    /// the proof's ABI offset from the item head instead of going through the `item.proof` accessor (once per TEE or
    /// SIGNED item), with the same bounds checks.
    function _signatureAt(
        Item calldata item,
        InferenceTypedData.ItemHead memory head
    ) private pure returns (uint256 signature) {
        uint256 relative = head.proofOffset;
        uint256 length = _SIGNATURE_LENGTH;
        // Safe: only arithmetic on calldata offsets and one calldata read, after checking that the offset is below
        // 2^64 (no overflow) and that the length word and 65 bytes after it lie within calldata.
        assembly ("memory-safe") {
            if lt(relative, 0x10000000000000000) {
                let lengthAt := add(item, relative)
                if iszero(gt(add(add(lengthAt, 0x20), length), calldatasize())) {
                    if eq(calldataload(lengthAt), length) {
                        signature := add(lengthAt, 0x20)
                    }
                }
            }
        }
    }

    /// @dev The signer of `digest` by the 65-byte `r || s || v` signature at calldata offset `signature`, or zero if the signature is invalid or
    /// malleable (s in the upper half of the curve order, as EIP-2 and OpenZeppelin's `ECDSA` refuse). Hand-written
    /// because it runs once per TEE or SIGNED item: `ECDSA.tryRecoverCalldata` does the same checks with some 400 gas
    /// more of memory handling around the precompile.
    function _recover(bytes32 digest, uint256 signature) private view returns (address signer) {
        // Safe: reads the 65 bytes at calldata offset `signature` (`_signatureAt` checked they are in calldata), writes
        // the precompile's four input words past the free memory pointer without moving it and takes its output in
        // scratch space (0x00).
        assembly ("memory-safe") {
            let s := calldataload(add(signature, 0x20))
            if iszero(gt(s, 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0)) {
                let ptr := mload(0x40)
                mstore(ptr, digest)
                mstore(add(ptr, 0x20), byte(0, calldataload(add(signature, 0x40))))
                mstore(add(ptr, 0x40), calldataload(signature))
                mstore(add(ptr, 0x60), s)
                let success := staticcall(gas(), 0x01, ptr, 0x80, 0x00, 0x20)
                // The precompile returns no data for an invalid signature (v not 27 or 28, r or s out of range). Yul
                // evaluates arguments right to left, so `returndatasize()` is read after the call, in its own line.
                if and(success, eq(returndatasize(), 0x20)) {
                    signer := mload(0x00)
                }
            }
        }
    }

    /// @dev The owner and status of a TEE key for `modelId` (nonzero) or of a SIGNED key (`modelId` zero), asked of
    /// the registry once per batch.
    function _keyLookup(
        Batch memory batch,
        address key,
        bytes32 modelId
    ) private view returns (KeyLookup memory known) {
        uint256 cached = batch.keyCount;
        for (uint256 k; k < cached; ++k) {
            known = batch.keys[k];
            if (known.key == key && known.modelId == modelId) {
                batch.lastKey = known;
                return known;
            }
        }
        address owner;
        uint8 status;
        if (modelId != bytes32(0)) {
            ITeeRegistry.EnclaveStatus enclaveStatus;
            (owner, enclaveStatus) = teeRegistry.enclaveStatus(key, modelId);
            status = uint8(enclaveStatus);
        } else {
            ISignerRegistry.SignerStatus signerStatus;
            (owner, signerStatus) = signerRegistry.signerStatus(key);
            status = uint8(signerStatus);
        }
        known = KeyLookup(key, modelId, owner, status);
        batch.lastKey = known;
        if (cached < _CACHE_SIZE) {
            batch.keys[cached] = known;
            batch.keyCount = cached + 1;
        }
    }

    /// @dev The effects of a verified, paid item: spend its request id (in the batch's current bitmap word), count
    /// it (in the batch's per-tier totals), emit it.
    function _apply(InferenceTypedData.ItemHead memory head, Batch memory batch) private {
        uint256 price = head.price;
        uint8 tier = uint8(head.tier);
        batch.word |= 1 << (uint256(head.requestId) & 0xff);
        batch.wordDirty = true;
        // At most one count per item of the batch: no overflow. The values add up prices this batch actually paid: debits
        // of deposits (backed by tokens this contract holds) and `Exact` pulls (tokens it receives), so their sum is at
        // most this contract's token balance after the batch, itself at most the token's total supply: no overflow.
        unchecked {
            ++batch.tierCounts[tier];
            batch.tierValues[tier] += price;
        }
        // emit ItemSettled(requestId, client, provider, modelId, tier, price, inputHash, outputHash), written out
        // because it runs once per item and the head's words are already clean in memory (saves Solidity's
        // field-by-field re-encoding, some 300 gas per item). The epoch is the batch's, in `BatchSettled`.
        bytes32 topic = ItemSettled.selector;
        // Safe: reads words of `head` and writes the five data words past the free memory pointer without moving it
        // (scratch use only). Topics and data follow the ABI of `ItemSettled`.
        assembly ("memory-safe") {
            let data := mload(0x40)
            mstore(data, mload(add(head, 0x20))) // modelId
            mstore(add(data, 0x20), mload(add(head, 0x80))) // tier
            mstore(add(data, 0x40), mload(add(head, 0xe0))) // price
            mcopy(add(data, 0x60), add(head, 0xa0), 0x40) // inputHash, outputHash
            log4(data, 0xa0, topic, mload(head), mload(add(head, 0x40)), mload(add(head, 0x60)))
        }
    }

    /// @dev Reverts with an already ABI-encoded custom error.
    function _revertWith(bytes memory reason) private pure {
        // Safe: reads only the bytes of `reason` and never returns.
        assembly ("memory-safe") {
            revert(add(reason, 0x20), mload(reason))
        }
    }

    // ------------------------------------------------------------------ SIGNED-result disputes

    /// @dev With a dispute path wired, adds a paid SIGNED item to the batch (its leaf, and its price to its
    /// provider's held amount) and returns true: the caller then holds the price instead of crediting it. Without one,
    /// returns false. At the first SIGNED item, reads the dispute configuration and allocates the builder's arrays.
    /// `_pay` calls it, and `_apply` emits the item's `ItemSettled` right after, so leaves follow the log order of
    /// SIGNED items.
    function _holdSigned(
        SignedBatchBuilder memory batch,
        InferenceTypedData.ItemHead memory head
    ) private view returns (bool holds) {
        if (!batch.loaded) {
            batch.loaded = true;
            batch.config = _disputeConfig;
            if (batch.config.disputes != address(0)) {
                uint256 capacity = batch.capacity;
                batch.holds = true;
                batch.leaves = new bytes32[](capacity);
                batch.providers = new address[](capacity);
                batch.amounts = new uint256[](capacity);
            }
        }
        holds = batch.holds;
        if (!holds) return false;
        // Safe: reads the builder's fields at their struct offsets (see `SignedBatchBuilder`) and the head's words
        // (clean: `_loadHead` checked them). Hashes, in scratch space past the free memory pointer (not moved), the
        // head's requestId, modelId, client, provider and inputHash, outputHash, price, i.e. `SignedResults.leaf` of
        // the item, and writes it to `leaves[leafCount]`. At most one leaf and one new provider per item, and the
        // three arrays have one entry per item of the batch, so every index is in bounds. The provider's amount is
        // added with an overflow check (Panic 0x11, as checked arithmetic).
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mcopy(ptr, head, 0x80)
            mcopy(add(ptr, 0x80), add(head, 0xa0), 0x60)
            let leafCount := mload(add(batch, 0xa0))
            mstore(add(mload(add(batch, 0x80)), shl(5, add(leafCount, 1))), keccak256(ptr, 0xe0))
            mstore(add(batch, 0xa0), add(leafCount, 1))
            let provider := mload(add(head, 0x60))
            let providers := add(mload(add(batch, 0xc0)), 0x20)
            let providerCount := mload(add(batch, 0x100))
            let p := 0
            for {} and(lt(p, providerCount), iszero(eq(mload(add(providers, shl(5, p))), provider))) {
                p := add(p, 1)
            } {}
            if eq(p, providerCount) {
                mstore(add(providers, shl(5, p)), provider)
                mstore(add(batch, 0x100), add(providerCount, 1))
            }
            let amountAt := add(add(mload(add(batch, 0xe0)), 0x20), shl(5, p))
            let price := mload(add(head, 0xe0))
            let amount := add(mload(amountAt), price)
            if lt(amount, price) {
                mstore(0x00, 0x4e487b71) // Panic(uint256)
                mstore(0x20, 0x11)
                revert(0x1c, 0x24)
            }
            mstore(amountAt, amount)
        }
    }

    /// @dev Commits the batch under its results hash (the batch id) and holds each provider's SIGNED earnings until
    /// the window ends: one new storage word per provider of the batch, nothing else. The entry's nonzero `releaseAt`
    /// is what marks the batch committed.
    function _commitSignedBatch(SignedBatchBuilder memory batch) private {
        uint64 releaseAt = uint64(block.timestamp) + batch.config.challengeWindow;
        bytes32 resultsHash = SignedResults.batchHash(batch.leaves, batch.leafCount);
        uint256 batchId = uint256(resultsHash);
        // Never true: every leaf names a (client, request id) that settles only once, so no two batches have the same
        // leaves. Checked anyway, so that held earnings are never overwritten (costs a warm read: the slot is written
        // next).
        if (_held[batchId][batch.providers[0]].releaseAt != 0) revert SettlementBatchAlreadyCommitted(batchId);
        for (uint256 p; p < batch.providerCount; ++p) {
            address provider = batch.providers[p];
            uint256 amount = batch.amounts[p];
            _held[batchId][provider] = HeldEarnings({amount: SafeCast.toUint192(amount), releaseAt: releaseAt});
            emit SignedEarningsHeld(batchId, provider, amount, releaseAt);
        }
        emit SignedBatchCommitted(batchId, resultsHash, batch.leafCount, releaseAt);
    }

    /// @inheritdoc ISignedResultCommitments
    function setDisputes(address disputes_) external {
        if (msg.sender != _deployer) revert SettlementNotDeployer(msg.sender);
        address current = _disputeConfig.disputes;
        if (current != address(0)) revert SettlementDisputesAlreadySet(current);
        if (disputes_ == address(0)) revert SettlementZeroAddress();
        uint64 window = ISignedResultDisputes(disputes_).challengeWindow();
        if (window == 0 || ISignedResultDisputes(disputes_).settlement() != address(this)) {
            revert SettlementInvalidDisputes(disputes_);
        }
        _disputeConfig.disputes = disputes_;
        _disputeConfig.challengeWindow = window;
        emit DisputesSet(disputes_, window);
    }

    /// @inheritdoc ISignedResultCommitments
    function releaseSignedEarnings(uint256 batchId, address provider) external returns (uint256 amount) {
        HeldEarnings storage held = _held[batchId][provider];
        amount = held.amount;
        uint64 releaseAt = held.releaseAt;
        if (amount == 0) revert SettlementNothingHeld(batchId, provider);
        if (block.timestamp < releaseAt) revert SettlementStillHeld(batchId, provider, releaseAt);
        held.amount = 0; // releaseAt stays: the dispute path reads it as the end of the window
        _earnings[provider] += amount;
        emit SignedEarningsReleased(batchId, provider, amount);
    }

    /// @inheritdoc ISignedResultCommitments
    function reverseSignedPayment(
        uint256 batchId,
        address provider,
        address client,
        bytes32 requestId,
        uint256 amount
    ) external returns (uint256 reversed) {
        if (msg.sender != _disputeConfig.disputes) revert SettlementNotDisputes(msg.sender);
        HeldEarnings storage held = _held[batchId][provider];
        uint256 available = held.amount;
        reversed = amount < available ? amount : available;
        // reversed <= available, which fits in uint192.
        unchecked {
            held.amount = uint192(available - reversed);
        }
        _deposits[client] += reversed;
        emit SignedPaymentReversed(batchId, provider, client, requestId, reversed);
    }

    /// @inheritdoc ISignedResultCommitments
    function disputes() external view returns (address) {
        return _disputeConfig.disputes;
    }

    /// @inheritdoc ISignedResultCommitments
    function challengeWindow() external view returns (uint64) {
        return _disputeConfig.challengeWindow;
    }

    /// @inheritdoc ISignedResultCommitments
    function heldEarnings(uint256 batchId, address provider) external view returns (HeldEarnings memory) {
        return _held[batchId][provider];
    }

    // ------------------------------------------------------------------ escrow

    /// @inheritdoc IInferenceSettlement
    function depositFor(address client, uint256 amount) external {
        if (client == address(0)) revert SettlementZeroAddress();
        if (amount == 0) revert SettlementZeroAmount();
        uint256 balance = _deposits[client];
        if (amount > type(uint256).max - balance) revert SettlementDepositOverflow(client, balance, amount);
        uint256 newBalance = balance + amount;
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
    function voucherState(address client, address provider) external view returns (VoucherState memory) {
        return _voucherStates[client][provider];
    }

    /// @inheritdoc IInferenceSettlement
    function voucherDigest(Voucher calldata voucher) external view returns (bytes32) {
        _checkSignatureLength(voucher);
        return _hashTypedDataV4(InferenceTypedData.hashVoucher(voucher));
    }

    /// @inheritdoc IInferenceSettlement
    function resultDigest(Item calldata item) external view returns (bytes32) {
        return _hashTypedDataV4(InferenceTypedData.hashResult(InferenceTypedData.hashOrder(item), item.outputHash));
    }

    /// @inheritdoc IInferenceSettlement
    function epochOf(uint256 timestamp) public view returns (uint64) {
        return SafeCast.toUint64(timestamp / epochLength);
    }

    /// @inheritdoc IInferenceSettlement
    function getTierStats(uint64 fromEpoch, uint64 toEpoch) external view returns (TierStat[3][] memory stats) {
        if (toEpoch < fromEpoch || toEpoch - fromEpoch >= _MAX_STATS_EPOCHS) {
            revert SettlementInvalidEpochRange(fromEpoch, toEpoch);
        }
        stats = new TierStat[3][](uint256(toEpoch - fromEpoch) + 1);
        for (uint256 i; i < stats.length; ++i) {
            stats[i] = _tierStats[fromEpoch + uint64(i)];
        }
    }
}
