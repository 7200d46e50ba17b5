// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IInferenceSettlement} from "../interfaces/IInferenceSettlement.sol";

/// @title InferenceTypedData
/// @notice EIP-712 struct hashes of the two statements settlement checks. The SDK mirrors these types in
/// `sdk/settlement/typedData.ts`.
library InferenceTypedData {
    /// @notice What a client signs: "I ask for this inference and will pay `price` for it to `provider`".
    bytes32 internal constant ORDER_TYPEHASH = keccak256(
        "Order(bytes32 requestId,bytes32 modelId,address client,address provider,uint8 tier,bytes32 inputHash,uint256 price,uint64 deadline)"
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

    /// @notice The EIP-712 struct hash of a result for the order with struct hash `orderHash`.
    function hashResult(bytes32 orderHash, bytes32 outputHash) internal pure returns (bytes32) {
        return keccak256(abi.encode(RESULT_TYPEHASH, orderHash, outputHash));
    }
}
