// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Tier} from "../libraries/Tier.sol";

/// @title IInferenceSettlement
/// @notice Settles inference results of any mix of tiers in one transaction. Each item is checked by its tier;
/// only verified items move money to the provider. Request ids are single-use per client (an unordered nonce
/// bitmap), and settled items are counted per tier per epoch.
///
/// Each item names how it is paid (`Payment`), and carries the client's authorisation in the form that kind takes:
/// - `Escrow`: the client signed the EIP-712 `Order`; the price is debited from its escrow deposit.
/// - `Exact` (x402 `exact`): the client signed an EIP-3009 `ReceiveWithAuthorization` from itself to this contract
///   for exactly the price, with `nonce = orderDigest(item)` (the order's EIP-712 digest in this contract's domain,
///   so bound to this chain, this contract and every field of the order). Only this contract can redeem it
///   (`receiveWithAuthorization` requires the payee as caller), and it does so only inside `settle`, after the
///   item's result verified: the money moves only together with a verified result for that very order. A rejected
///   item pulls nothing. `clientSignature` is `validAfter (32 bytes) || validBefore (32 bytes) || signature`.
/// - `Voucher` (x402 `upto`, batched): the client funded its escrow once and signs, per provider, a cumulative
///   `Voucher(client, provider, cumulativeAmount, ordersHead)`. `ordersHead` is a hash chain over the struct hashes
///   of the orders the client authorises for that provider: `head' = keccak256(abi.encode(head, orderStructHash))`,
///   starting from the head stored on chain for the pair (zero at first). The client extends the chain and re-signs
///   the voucher with each order; the facilitator keeps only the latest voucher and settles, with
///   `settleWithVouchers`, every order of the chain since the stored head, in chain order. One voucher signature
///   per (client, provider) per batch thus authorises all those orders (their items carry no `clientSignature`).
///   Settlement recomputes the chain over the batch's `Voucher` items of the pair and accepts the voucher only if
///   it ends at the signed `ordersHead`; then it pays each item that verifies from the escrow, at most
///   `cumulativeAmount - paid` in total, where `paid` is what vouchers of the pair paid before. Afterwards the
///   stored head becomes the voucher's and `paid` grows by what this batch paid. A replayed or older voucher no
///   longer starts from the stored head; a voucher whose `cumulativeAmount` is below `paid` is a rollback; both are
///   refused. An order whose item did not verify is still consumed by the chain and is never paid under it.
interface IInferenceSettlement {
    /// @notice How a batch treats a bad item.
    enum Mode {
        Atomic, // revert the whole batch with the item's error
        Partial // skip the item, emit `ItemRejected` with the error, settle the rest
    }

    /// @notice How an item is paid; see the contract notice.
    enum Payment {
        Escrow, // debit the client's deposit; `clientSignature` is the client's signature over the `Order`
        Exact, // pull the price with the client's EIP-3009 authorisation whose nonce is `orderDigest(item)`
        Voucher // debit the client's deposit under the batch's voucher for (client, provider)
    }

    /// @notice A client's cumulative authorisation to pay one provider for the orders of a hash chain.
    /// @param client Who pays (signs the EIP-712 `Voucher`; ERC-1271 for contract clients).
    /// @param provider Who is paid.
    /// @param cumulativeAmount The most the client ever pays `provider` under vouchers, all batches together.
    /// @param ordersHead The head of the chain of orders the client authorises (see the contract notice).
    /// @param signature The client's signature over the EIP-712 `Voucher`.
    struct Voucher {
        address client;
        address provider;
        uint256 cumulativeAmount;
        bytes32 ordersHead;
        bytes signature;
    }

    /// @notice What vouchers of one (client, provider) pair paid so far, and where its order chain stands.
    struct VoucherState {
        uint256 paid;
        bytes32 ordersHead;
    }

    /// @notice One inference result to settle.
    /// @param requestId The client's request id: single-use per client, below the SNARK scalar field.
    /// @param modelId The model that produced the result.
    /// @param client Who pays; signs the order (EIP-712 `Order`; ERC-1271 for contract clients).
    /// @param provider Who is paid; must be the operator of the TEE key or the owner of the SIGNED key.
    /// @param tier How the result is proven.
    /// @param inputHash Poseidon hash of the fixed-point input.
    /// @param outputHash Poseidon hash of the fixed-point output.
    /// @param price What the client pays; at least the model's price for the tier.
    /// @param deadline Last timestamp at which the item may settle.
    /// @param proof ZK: abi.encode(uint256[2] a, uint256[2][2] b, uint256[2] c); TEE and SIGNED: a 65-byte
    /// secp256k1 signature over the EIP-712 `InferenceResult`.
    /// @param clientSignature The client's authorisation, by `payment`: `Escrow`: its signature over the EIP-712
    /// `Order`; `Exact`: `validAfter (32 bytes) || validBefore (32 bytes) || EIP-3009 signature`; `Voucher`: empty
    /// (ignored; the batch's voucher authorises the order).
    /// @param payment How the item is paid.
    struct Item {
        bytes32 requestId;
        bytes32 modelId;
        address client;
        address provider;
        Tier tier;
        bytes32 inputHash;
        bytes32 outputHash;
        uint256 price;
        uint64 deadline;
        bytes proof;
        bytes clientSignature;
        Payment payment;
    }

    /// @notice Settled items and value of one tier in one epoch.
    struct TierStat {
        uint64 count;
        uint192 value;
    }

    /// @notice The batch has no items.
    error SettlementEmptyBatch();
    /// @notice Settlement is paused (`IPauseGuard.settlementPaused`).
    error SettlementPaused();
    /// @notice A zero amount was given.
    error SettlementZeroAmount();
    /// @notice A zero address was given.
    error SettlementZeroAddress();
    /// @notice A constructor parameter is out of range.
    error SettlementInvalidParameter(string name);
    /// @notice The request id is not below the SNARK scalar field, so no proof can bind it.
    error SettlementRequestIdOutOfField(bytes32 requestId);
    /// @notice The client already settled this request id.
    error SettlementRequestAlreadySettled(address client, bytes32 requestId);
    /// @notice The order's deadline has passed.
    error SettlementOrderExpired(bytes32 requestId, uint64 deadline);
    /// @notice The model is unknown, retired, or does not accept the tier.
    error SettlementTierNotAccepted(bytes32 requestId, bytes32 modelId, Tier tier);
    /// @notice The order's price is below the model's price for the tier.
    error SettlementPriceBelowModelPrice(bytes32 requestId, uint256 price, uint256 modelPrice);
    /// @notice The client's order signature is not valid for this chain, contract and order.
    error SettlementInvalidClientSignature(bytes32 requestId, address client);
    /// @notice The proof bytes do not have the tier's encoding.
    error SettlementMalformedProof(bytes32 requestId, Tier tier);
    /// @notice The Groth16 proof does not verify for (inputHash, outputHash, requestId).
    error SettlementInvalidZkProof(bytes32 requestId);
    /// @notice The result signature is not a valid secp256k1 signature.
    error SettlementInvalidResultSignature(bytes32 requestId);
    /// @notice The result was signed by a key that is not a registered enclave.
    error SettlementUnknownEnclave(bytes32 requestId, address enclaveKey);
    /// @notice The enclave key may not sign for this model now (`status` is an `ITeeRegistry.EnclaveStatus`).
    error SettlementEnclaveNotActive(bytes32 requestId, address enclaveKey, uint8 status);
    /// @notice The result was signed by a key that is not a registered signer.
    error SettlementUnknownSigner(bytes32 requestId, address signer);
    /// @notice The signer key may not vouch now (`status` is an `ISignerRegistry.SignerStatus`).
    error SettlementSignerNotActive(bytes32 requestId, address signer, uint8 status);
    /// @notice The key that proved the result belongs to another provider.
    error SettlementProviderMismatch(bytes32 requestId, address provider, address keyOwner);
    /// @notice The client's deposit does not cover the price.
    error SettlementInsufficientDeposit(address client, uint256 balance, uint256 price);
    /// @notice The withdrawal is not ready yet, or none was requested.
    error SettlementWithdrawalNotReady(address client, uint64 readyAt);
    /// @notice The amount exceeds the balance.
    error SettlementInsufficientBalance(address account, uint256 balance, uint256 amount);
    /// @notice An `Exact` item's authorisation is shorter than its two validity words.
    error SettlementMalformedPayment(bytes32 requestId);
    /// @notice The token refused an `Exact` item's EIP-3009 authorisation (expired, not yet valid, used, or signed
    /// for another nonce, amount or payee); `reason` is the token's revert data.
    error SettlementPaymentFailed(bytes32 requestId, bytes reason);
    /// @notice A `Voucher` item has no voucher for its (client, provider) in the batch.
    error SettlementNoVoucher(bytes32 requestId, address client, address provider);
    /// @notice The voucher's signature is not the client's over this chain, contract and voucher.
    error SettlementInvalidVoucherSignature(address client, address provider);
    /// @notice The batch's orders of the pair, chained from the stored head, do not end at the voucher's head (a
    /// replayed or stale voucher, or orders missing, added or reordered).
    error SettlementVoucherChainMismatch(address client, address provider, bytes32 computedHead, bytes32 signedHead);
    /// @notice The voucher's cumulative amount is below what vouchers of the pair already paid.
    error SettlementVoucherRollback(address client, address provider, uint256 cumulativeAmount, uint256 paid);
    /// @notice The item's price exceeds what is left of its voucher.
    error SettlementVoucherExceeded(bytes32 requestId, uint256 remaining, uint256 price);
    /// @notice Two vouchers of the batch name the same (client, provider).
    error SettlementDuplicateVoucher(address client, address provider);
    /// @notice A voucher of the batch covers none of its items.
    error SettlementVoucherUnused(address client, address provider);
    /// @notice A range of epochs is reversed, or longer than 1024 epochs.
    error SettlementInvalidEpochRange(uint64 fromEpoch, uint64 toEpoch);
    /// @notice The deposit would exceed 2^256 - 1 (no account holds that many tokens).
    error SettlementDepositOverflow(address client, uint256 balance, uint256 amount);

    /// @notice Tokens were added to a client's deposit.
    event Deposited(address indexed client, address indexed from, uint256 amount, uint256 newBalance);
    /// @notice A client asked to withdraw; the amount stays usable for settlement until withdrawn.
    event WithdrawalRequested(address indexed client, uint256 amount, uint64 readyAt);
    /// @notice A client withdrew part of its deposit.
    event Withdrawn(address indexed client, address indexed to, uint256 amount, uint256 newBalance);
    /// @notice A provider withdrew its earnings.
    event EarningsWithdrawn(address indexed provider, address indexed to, uint256 amount);
    /// @notice An item settled: the client paid `price` to the provider. Its statistics epoch is the batch's, in the
    /// `BatchSettled` event that follows the batch's items in the same transaction.
    event ItemSettled(
        bytes32 indexed requestId,
        address indexed client,
        address indexed provider,
        bytes32 modelId,
        Tier tier,
        uint256 price,
        bytes32 inputHash,
        bytes32 outputHash
    );
    /// @notice In `Partial` mode an item was skipped; `reason` is the ABI-encoded custom error.
    event ItemRejected(uint256 indexed index, bytes32 indexed requestId, address indexed client, bytes reason);
    /// @notice A voucher was redeemed: `amount` paid now, `totalPaid` under the pair's vouchers so far, and the
    /// pair's order chain now ends at `ordersHead`. With a dispute path, the part of `amount` paid for SIGNED items is
    /// held for the challenge window (`ISignedResultCommitments`), the rest credited to the provider's earnings.
    event VoucherRedeemed(
        address indexed client,
        address indexed provider,
        uint256 cumulativeAmount,
        uint256 amount,
        uint256 totalPaid,
        bytes32 ordersHead
    );
    /// @notice A batch finished; its settled items (the `ItemSettled` events before this one in the transaction) count
    /// in statistics epoch `epoch` (`epochOf(block.timestamp)`), once per batch rather than once per item.
    event BatchSettled(address indexed submitter, Mode mode, uint256 settled, uint256 rejected, uint64 epoch);

    /// @notice Settles `items`; see `Mode`. Returns how many settled. `Voucher` items need `settleWithVouchers`.
    /// Reverts with `SettlementPaused` while the pause guard's settlement scope is paused.
    function settle(Item[] calldata items, Mode mode) external returns (uint256 settled);

    /// @notice Settles `items` like `settle`, with `vouchers` (at most one per (client, provider), each covering at
    /// least one item) paying the `Voucher` items. A malformed voucher list reverts in both modes; a voucher that
    /// does not verify rejects each of its items with the voucher's error.
    function settleWithVouchers(
        Item[] calldata items,
        Voucher[] calldata vouchers,
        Mode mode
    ) external returns (uint256 settled);

    /// @notice Adds `amount` to `client`'s deposit, pulled from the caller.
    function depositFor(address client, uint256 amount) external;

    /// @notice Asks to withdraw `amount` after the withdrawal delay; replaces an earlier request.
    function requestWithdrawal(uint256 amount) external;

    /// @notice Withdraws the requested amount (or the balance left, if smaller) to `to` once the delay passed.
    function withdraw(address to) external returns (uint256 amount);

    /// @notice Sends the caller's earnings as a provider to `to`.
    function withdrawEarnings(address to) external returns (uint256 amount);

    /// @notice A client's escrow deposit.
    function depositOf(address client) external view returns (uint256);

    /// @notice A provider's unwithdrawn earnings (SIGNED earnings still held for the challenge window are not
    /// included: see `ISignedResultCommitments.heldEarnings`).
    function earningsOf(address provider) external view returns (uint256);

    /// @notice Whether `client` already settled `requestId`.
    function isRequestSettled(address client, bytes32 requestId) external view returns (bool);

    /// @notice The EIP-712 digest a client signs for an order.
    function orderDigest(Item calldata item) external view returns (bytes32);

    /// @notice What vouchers of (client, provider) paid so far and the head of its order chain.
    function voucherState(address client, address provider) external view returns (VoucherState memory);

    /// @notice The EIP-712 digest a client signs for a voucher (its `signature` is ignored).
    function voucherDigest(Voucher calldata voucher) external view returns (bytes32);

    /// @notice The EIP-712 digest an enclave or signer signs for a result.
    function resultDigest(Item calldata item) external view returns (bytes32);

    /// @notice The epoch that `timestamp` falls in; reverts (SafeCast) if it does not fit in 64 bits.
    function epochOf(uint256 timestamp) external view returns (uint64);

    /// @notice Per-tier statistics of epochs `fromEpoch..toEpoch` (inclusive, at most 1024 of them: a longer range
    /// would run out of gas), indexed [epoch - fromEpoch][tier].
    function getTierStats(uint64 fromEpoch, uint64 toEpoch) external view returns (TierStat[3][] memory);
}
