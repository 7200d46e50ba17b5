// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IInferenceSettlement} from "../interfaces/IInferenceSettlement.sol";
import {IModelRegistry} from "../interfaces/IModelRegistry.sol";
import {IZkVerifier} from "../interfaces/IZkVerifier.sol";
import {Tier} from "./Tier.sol";

/// @title ZkStatement
/// @notice The one place that turns "model M maps the input with `inputHash` to `outputHash` for `requestId`" into a
/// circuit's public signals and asks the model's verifier: [inputHash, outputHash, requestId], or, for a
/// private-weights model (`weightsBinding` nonzero), [inputHash, outputHash, weightsBinding, requestId], so that the
/// proof must come from the committed weights. Settlement (ZK items) and the dispute path (fraud proofs against SIGNED
/// results) both use it, so the two can never check different statements.
/// @dev An external library (deployed once, linked, called with DELEGATECALL): its code stays out of
/// `InferenceSettlement`, which is close to the EIP-170 size limit. Only ZK items and disputes call it.
library ZkStatement {
    /// @notice The byte length of a Groth16 proof: (A.x, A.y, B.x1, B.x2, B.y1, B.y2, C.x, C.y).
    uint256 internal constant PROOF_LENGTH = 8 * 32;

    /// @notice For each item of a settlement batch, whether its ZK proof was verified together with the other
    /// well-formed ZK proofs of its model: one `verifyAll` call per model with several such items (N + 3 pairings
    /// instead of 4N). A group that fails (a false proof among them) is left unmarked: settlement then verifies its
    /// items one by one (`verifyOne`), which names the false one. Models that do not accept ZK are skipped.
    /// @param modelRegistry The settlement's `IModelRegistry`.
    /// @param settleArgs The settlement call's ABI-encoded arguments (`msg.data[4:]` of `settle` or
    /// `settleWithVouchers`, whose first argument is `Item[] items`). Passed as bytes rather than as `Item[]` so that
    /// this external function's ABI has only canonical types (a library's ABI names enums and contracts by their
    /// Solidity names, which ABI tools refuse).
    function verifyItems(
        address modelRegistry,
        bytes calldata settleArgs
    ) external view returns (bool[] memory verified) {
        IInferenceSettlement.Item[] calldata items;
        // Safe: points `items` at the `Item[]` whose ABI offset is the first word of `settleArgs`, as the ABI decoder
        // would for the settlement's own call. Every offset inside is relative, so each read below, done through
        // Solidity's checked calldata accessors, sees the same bytes settlement sees in its `msg.data`. (Reads past the
        // end of `settleArgs` would read its zero padding where settlement would revert: settlement's own accessor
        // reverts on such an item in its item loop, so no batch with one settles; and a proof verified here proves its
        // item's statement whatever its bytes.)
        assembly ("memory-safe") {
            let at := add(settleArgs.offset, calldataload(settleArgs.offset))
            items.length := calldataload(at)
            items.offset := add(at, 0x20)
        }
        return _verifyItems(IModelRegistry(modelRegistry), items);
    }

    /// @dev `verifyItems` over the decoded items.
    function _verifyItems(
        IModelRegistry modelRegistry,
        IInferenceSettlement.Item[] calldata items
    ) private view returns (bool[] memory verified) {
        uint256 count = items.length;
        verified = new bool[](count);
        bytes32[] memory models = new bytes32[](count);
        uint256[] memory sizes = new uint256[](count);
        uint256[] memory groupOf = new uint256[](count); // group index + 1; 0 for items not batched
        uint256 groups;
        for (uint256 i; i < count; ++i) {
            IInferenceSettlement.Item calldata item = items[i];
            if (item.tier != Tier.ZK || item.proof.length != PROOF_LENGTH) continue;
            uint256 group;
            while (group < groups && models[group] != item.modelId) ++group;
            if (group == groups) models[groups++] = item.modelId;
            ++sizes[group];
            groupOf[i] = group + 1;
        }
        for (uint256 group; group < groups; ++group) {
            if (sizes[group] > 1) {
                _verifyGroup(modelRegistry, items, groupOf, group + 1, sizes[group], models[group], verified);
            }
        }
    }

    /// @dev One `verifyAll` call for the `size` items whose `groupOf` is `tag`, all of model `modelId`.
    function _verifyGroup(
        IModelRegistry modelRegistry,
        IInferenceSettlement.Item[] calldata items,
        uint256[] memory groupOf,
        uint256 tag,
        uint256 size,
        bytes32 modelId,
        bool[] memory verified
    ) private view {
        (bool accepted, , address verifier, bytes32 weightsBinding) = modelRegistry.terms(modelId, Tier.ZK);
        if (!accepted) return;
        uint256[8][] memory proofs = new uint256[8][](size);
        uint256[3][] memory statements = new uint256[3][](size);
        uint256[] memory members = new uint256[](size);
        uint256 k;
        for (uint256 i; k < size; ++i) {
            if (groupOf[i] != tag) continue;
            IInferenceSettlement.Item calldata item = items[i];
            // abi.encode(uint256[2] a, uint256[2][2] b, uint256[2] c) is the 8-word layout verifyProofs takes.
            proofs[k] = abi.decode(item.proof, (uint256[8]));
            statements[k] = [uint256(item.inputHash), uint256(item.outputHash), uint256(item.requestId)];
            members[k++] = i;
        }
        if (!verifyAll(verifier, weightsBinding, proofs, statements)) return;
        for (k = 0; k < size; ++k) verified[members[k]] = true;
    }

    /// @notice Whether `proof` (`PROOF_LENGTH` ABI-encoded words; false for any other length) proves the statement
    /// (`inputHash`, `outputHash`, `requestId`) to the model's `verifier`.
    function verifyOne(
        address verifier,
        bytes32 weightsBinding,
        bytes32 inputHash,
        bytes32 outputHash,
        bytes32 requestId,
        bytes calldata proof
    ) external view returns (bool) {
        if (proof.length != PROOF_LENGTH) return false;
        uint256[8][] memory proofs = new uint256[8][](1);
        proofs[0] = abi.decode(proof, (uint256[8]));
        uint256[3][] memory statements = new uint256[3][](1);
        statements[0] = [uint256(inputHash), uint256(outputHash), uint256(requestId)];
        return verifyAll(verifier, weightsBinding, proofs, statements);
    }

    /// @notice Whether every proof `proofs[k]` proves its statement `statements[k]` = [inputHash, outputHash,
    /// requestId] to the model's `verifier`: one `verifyProof` call for a single public-weights proof, else one
    /// `verifyProofs` call (N + 3 pairings). The verifier rejects public signals that are not below the scalar field;
    /// a verifier that reverts counts as a refusal.
    function verifyAll(
        address verifier,
        bytes32 weightsBinding,
        uint256[8][] memory proofs,
        uint256[3][] memory statements
    ) public view returns (bool) {
        uint256 count = proofs.length;
        if (count == 0 || statements.length != count) return false;
        if (weightsBinding == bytes32(0) && count == 1) {
            uint256[8] memory p = proofs[0];
            try
                IZkVerifier(verifier).verifyProof(
                    [p[0], p[1]],
                    [[p[2], p[3]], [p[4], p[5]]],
                    [p[6], p[7]],
                    statements[0]
                )
            returns (bool valid) {
                return valid;
            } catch {
                return false;
            }
        }
        try IZkVerifier(verifier).verifyProofs(proofs, publicSignals(weightsBinding, statements)) returns (bool valid) {
            return valid;
        } catch {
            return false;
        }
    }

    /// @notice The public signals of `statements`, one proof after the other (3 per proof, or 4 with a nonzero
    /// `weightsBinding`), as `IZkVerifier.verifyProofs` takes them.
    function publicSignals(
        bytes32 weightsBinding,
        uint256[3][] memory statements
    ) internal pure returns (uint256[] memory signals) {
        uint256 stride = weightsBinding == bytes32(0) ? 3 : 4;
        signals = new uint256[](statements.length * stride);
        for (uint256 k; k < statements.length; ++k) {
            uint256 at = k * stride;
            (signals[at], signals[at + 1]) = (statements[k][0], statements[k][1]);
            if (stride == 3) {
                signals[at + 2] = statements[k][2];
            } else {
                (signals[at + 2], signals[at + 3]) = (uint256(weightsBinding), statements[k][2]);
            }
        }
    }
}
