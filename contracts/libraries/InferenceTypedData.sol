// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceSettlement} from "../interfaces/IInferenceSettlement.sol";
import {Tier} from "./Tier.sol";

/// @title InferenceTypedData
/// @notice EIP-712 struct hashes of the two statements settlement checks. The SDK mirrors these types in
/// `sdk/lib/settlement/typedData.ts`.
library InferenceTypedData {
    /// @notice What a client signs: "I ask for this inference and will pay `price` for it to `provider`".
    bytes32 internal constant ORDER_TYPEHASH = keccak256(
        "Order(bytes32 requestId,bytes32 modelId,address client,address provider,uint8 tier,bytes32 inputHash,uint256 price,uint64 deadline)"
    );

    /// @notice What a client signs to pay a provider in batches: "I pay `provider` at most `cumulativeAmount` in all,
    /// for the orders of the chain ending at `ordersHead`".
    bytes32 internal constant VOUCHER_TYPEHASH = keccak256(
        "Voucher(address client,address provider,uint256 cumulativeAmount,bytes32 ordersHead)"
    );

    /// @notice What an enclave or a staked signer signs: "this order's output is `outputHash`".
    bytes32 internal constant RESULT_TYPEHASH = keccak256("InferenceResult(bytes32 orderHash,bytes32 outputHash)");

    /// @notice The EIP-712 struct hash of an item's order.
    function hashOrder(IInferenceSettlement.Item calldata item) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    ORDER_TYPEHASH,
                    item.requestId,
                    item.modelId,
                    item.client,
                    item.provider,
                    uint8(item.tier),
                    item.inputHash,
                    item.price,
                    item.deadline
                )
            );
    }

    /// @notice The static fields of an item (its ABI head: twelve words), copied from calldata once so that each later
    /// read is a memory load rather than a calldata access with its bounds and cleanliness checks. Same layout as the
    /// head of `IInferenceSettlement.Item`; `proofOffset` and `clientSignatureOffset` are the ABI offsets of its two
    /// `bytes` fields, relative to the item.
    struct ItemHead {
        bytes32 requestId;
        bytes32 modelId;
        address client;
        address provider;
        Tier tier;
        bytes32 inputHash;
        bytes32 outputHash;
        uint256 price;
        uint64 deadline;
        uint256 proofOffset;
        uint256 clientSignatureOffset;
        IInferenceSettlement.Payment payment;
    }

    /// @notice The EIP-712 struct hash of the order of an item whose head is `head`.
    function hashOrder(ItemHead memory head) internal pure returns (bytes32 orderHash) {
        bytes32 typehash = ORDER_TYPEHASH;
        // Safe: reads 8 words of `head` and writes 9 words past the free memory pointer without moving it (scratch use
        // only, never read back). The order's fields are the head's words 0-5, 7 and 8.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typehash)
            mcopy(add(ptr, 0x20), head, 0xc0) // requestId, modelId, client, provider, tier, inputHash
            mcopy(add(ptr, 0xe0), add(head, 0xe0), 0x40) // price, deadline
            orderHash := keccak256(ptr, 0x120)
        }
    }

    /// @notice The EIP-712 struct hash of a voucher (its signature excluded).
    function hashVoucher(IInferenceSettlement.Voucher memory voucher) internal pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    VOUCHER_TYPEHASH,
                    voucher.client,
                    voucher.provider,
                    voucher.cumulativeAmount,
                    voucher.ordersHead
                )
            );
    }

    /// @notice Extends an order chain by one order: `keccak256(abi.encode(head, orderHash))`.
    function chainOrder(bytes32 head, bytes32 orderHash) internal pure returns (bytes32 next) {
        // Safe: hashes the two words in scratch space (0x00-0x3f), which Solidity lets inline assembly use freely.
        assembly ("memory-safe") {
            mstore(0x00, head)
            mstore(0x20, orderHash)
            next := keccak256(0x00, 0x40)
        }
    }

    /// @notice The EIP-712 struct hash of a result for the order with struct hash `orderHash`.
    function hashResult(bytes32 orderHash, bytes32 outputHash) internal pure returns (bytes32 resultHash) {
        bytes32 typehash = RESULT_TYPEHASH;
        // Safe: hashes three words written past the free memory pointer without moving it (scratch use only).
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typehash)
            mstore(add(ptr, 0x20), orderHash)
            mstore(add(ptr, 0x40), outputHash)
            resultHash := keccak256(ptr, 0x60)
        }
    }
}
