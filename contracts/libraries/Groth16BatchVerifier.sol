// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Groth16BatchVerifier
/// @notice Verifies N Groth16 proofs of one verifying key with N + 3 pairings instead of 4N.
/// @dev Each proof i must satisfy e(A_i, B_i) = e(α, β) · e(L_i, γ) · e(C_i, δ), with L_i = IC_0 + Σ_j x_ij IC_j.
/// With weights r_i (r_0 = 1, the others random) the N equations hold together, except with negligible probability
/// when one does not, iff
///     Π_i e(-r_i A_i, B_i) · e((Σ r_i) α, β) · e(Σ_i r_i L_i, γ) · e(Σ_i r_i C_i, δ) = 1,
/// where Σ_i r_i L_i = (Σ r_i) IC_0 + Σ_j (Σ_i r_i x_ij) IC_j costs nPublic + 1 scalar multiplications in all.
/// The weights come from keccak256 over every proof and public input of the batch (Fiat-Shamir), never from block
/// data, so a prover cannot choose proofs after seeing them. Written by hand: no maintained Solidity library offers
/// batched Groth16 verification over the EIP-196/197 precompiles.
library Groth16BatchVerifier {
    /// @notice BN254 scalar field order: every public input must be below it.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @notice BN254 base field order.
    uint256 internal constant Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583;

    // EIP-1108 prices. A precompile that fails (on a point not on the curve) burns all the gas it was given, so each
    // call gets exactly its price: a bad proof costs the batch one call's gas, not the transaction's.
    uint256 private constant EC_MUL_GAS = 6000;
    uint256 private constant EC_ADD_GAS = 150;

    /// @notice A Groth16 verifying key. G2 points in the precompile's order (x_imag, x_real, y_imag, y_real), which
    /// is snarkjs's (x1, x2, y1, y2).
    struct VerifyingKey {
        uint256[2] alpha;
        uint256[4] beta;
        uint256[4] gamma;
        uint256[4] delta;
        /// IC_0.x, IC_0.y, IC_1.x, ...: one point per public input, plus IC_0.
        uint256[] ic;
    }

    /// @notice The batch is empty, or the public inputs are not `proofs.length × nPublic` values.
    error Groth16BatchShapeMismatch(uint256 proofs, uint256 publicInputs, uint256 publicInputsPerProof);

    /// @notice Whether every proof of the batch verifies.
    /// @param proofs Each proof as (A.x, A.y, B.x1, B.x2, B.y1, B.y2, C.x, C.y), the snarkjs Solidity layout.
    /// @param publicInputs The public inputs of proof i at [i·nPublic, (i+1)·nPublic).
    /// @return valid False if any public input is not below R, any point is not on its curve, or any proof is false.
    function verify(
        VerifyingKey memory vk,
        uint256[8][] calldata proofs,
        uint256[] calldata publicInputs
    ) internal view returns (bool) {
        uint256 count = proofs.length;
        uint256 nPublic = vk.ic.length / 2 - 1;
        if (count == 0 || publicInputs.length != count * nPublic) {
            revert Groth16BatchShapeMismatch(count, publicInputs.length, nPublic);
        }
        bytes32 seed = _seed(proofs, publicInputs);
        // Working memory: [Σ r_i C_i (2 words), Σ r_i, Σ_i r_i x_ij (nPublic words), (count + 3) pairs of 6 words].
        uint256[] memory work = new uint256[](3 + nPublic + (count + 3) * 6);
        if (!_accumulate(seed, proofs, publicInputs, nPublic, work)) return false;
        return _finish(vk, work, nPublic, count);
    }

    /// @dev The Fiat-Shamir seed: keccak256 over every word of every proof, then every public input (their counts
    /// are fixed by the shape check, so the concatenation is unambiguous).
    function _seed(uint256[8][] calldata proofs, uint256[] calldata inputs) private pure returns (bytes32 seed) {
        // Safe: copies the calldata arrays above the free memory pointer only to hash them; nothing is allocated and
        // the bytes are not read afterwards (the working memory allocated next may reuse them).
        assembly ("memory-safe") {
            let buffer := mload(0x40)
            let proofBytes := mul(proofs.length, 0x100)
            calldatacopy(buffer, proofs.offset, proofBytes)
            let inputBytes := mul(inputs.length, 0x20)
            calldatacopy(add(buffer, proofBytes), inputs.offset, inputBytes)
            seed := keccak256(buffer, add(proofBytes, inputBytes))
        }
    }

    /// @dev For every proof i, with weight r_i (r_0 = 1, else keccak256(seed, i) mod R): writes the pair
    /// (-r_i A_i, B_i), adds r_i C_i, r_i and r_i x_ij to the sums in `work`. Returns false if a public input is not
    /// below R, or A or C is not a point of G1 (the precompiles refuse it). In assembly because this loop is the
    /// per-proof cost of the batch.
    // solhint-disable-next-line function-max-lines
    function _accumulate(
        bytes32 seed,
        uint256[8][] calldata proofs,
        uint256[] calldata inputs,
        uint256 nPublic,
        uint256[] memory work
    ) private view returns (bool ok) {
        // Safe: writes only inside `work`, the scratch words 0x00-0x3f, and five words above the free memory
        // pointer, which nothing has allocated and nothing reads after this block.
        assembly ("memory-safe") {
            // (-A, B) into `pair` from the proof's A (already weighted in `pair`) and B.
            function completePair(pair, proof) {
                let y := mload(add(pair, 0x20))
                if y {
                    mstore(add(pair, 0x20), sub(Q, y))
                }
                calldatacopy(add(pair, 0x40), add(proof, 0x40), 0x80)
            }
            // weights[j] += weight · x_j for the n inputs at `input`; false if one is not below R.
            function foldInputs(input, n, weight, weights) -> valid {
                valid := 1
                for {
                    let j := 0
                } lt(j, n) {
                    j := add(j, 1)
                } {
                    let x := calldataload(add(input, shl(5, j)))
                    valid := and(valid, lt(x, R))
                    let slot := add(weights, shl(5, j))
                    mstore(slot, addmod(mload(slot), mulmod(weight, x, R), R))
                }
            }
            // Proof i ≥ 1 with weight keccak256(seed at 0x00, i): r_i A_i into `pair` (then completed), and
            // Σ C (at scratch[0..1]) += r_i C_i, computed in scratch[2..4].
            function addProof(i, proof, pair, scratch) -> success, weight {
                mstore(0x20, i)
                weight := mod(keccak256(0x00, 0x40), R)
                calldatacopy(pair, proof, 0x40)
                mstore(add(pair, 0x40), weight)
                success := staticcall(EC_MUL_GAS, 0x07, pair, 0x60, pair, 0x40)
                completePair(pair, proof)
                let c := add(scratch, 0x40)
                calldatacopy(c, add(proof, 0xc0), 0x40)
                mstore(add(c, 0x40), weight)
                success := and(success, staticcall(EC_MUL_GAS, 0x07, c, 0x60, c, 0x40))
                success := and(success, staticcall(EC_ADD_GAS, 0x06, scratch, 0x80, scratch, 0x40))
            }

            let scratch := mload(0x40)
            let weightSum := 1
            {
                let weights := add(work, 0x80) // after Σ C (2 words) and Σ r (1 word)
                let pair := add(weights, shl(5, nPublic))
                // Proof 0, weight 1: no multiplication. Σ C starts as C_0 + O, which makes the precompile check C_0;
                // the pairing precompile checks A_0 and B_0, once their coordinates are known to be below Q.
                calldatacopy(pair, proofs.offset, 0x40)
                ok := and(lt(mload(pair), Q), lt(mload(add(pair, 0x20)), Q))
                completePair(pair, proofs.offset)
                calldatacopy(scratch, add(proofs.offset, 0xc0), 0x40)
                mstore(add(scratch, 0x40), 0)
                mstore(add(scratch, 0x60), 0)
                ok := and(ok, staticcall(EC_ADD_GAS, 0x06, scratch, 0x80, scratch, 0x40))
                ok := and(ok, foldInputs(inputs.offset, nPublic, 1, weights))
                mstore(0x00, seed)
            }
            for {
                let i := 1
                let proof := add(proofs.offset, 0x100)
                let end := add(proofs.offset, shl(8, proofs.length))
                let pair := add(add(work, 0x80), mul(add(nPublic, 6), 0x20))
                let input := add(inputs.offset, shl(5, nPublic))
                let n := nPublic
                let weights := add(work, 0x80)
            } and(ok, lt(proof, end)) {
                i := add(i, 1)
                proof := add(proof, 0x100)
                pair := add(pair, 0xc0)
                input := add(input, shl(5, n))
            } {
                let success, weight := addProof(i, proof, pair, scratch)
                weightSum := addmod(weightSum, weight, R)
                ok := and(success, foldInputs(input, n, weight, weights))
            }
            mstore(add(work, 0x20), mload(scratch))
            mstore(add(work, 0x40), mload(add(scratch, 0x20)))
            mstore(add(work, 0x60), weightSum)
        }
    }

    /// @dev Adds the key's three pairs, ((Σ r_i) α, β), (Σ_i r_i L_i, γ), (Σ_i r_i C_i, δ), and runs the pairing check
    /// over all count + 3 pairs. In assembly, like `_accumulate`: the key's points are valid by construction, so
    /// the multiplications and additions cannot fail; `ok` still carries every precompile's result.
    // solhint-disable-next-line function-max-lines
    function _finish(
        VerifyingKey memory vk,
        uint256[] memory work,
        uint256 nPublic,
        uint256 count
    ) private view returns (bool ok) {
        // Safe: writes the last three pairs inside `work`, five words of scratch above the free memory pointer (not
        // allocated, not read afterwards) and the pairing result at 0x00.
        assembly ("memory-safe") {
            function copyG2(to, from) {
                mstore(to, mload(from))
                mstore(add(to, 0x20), mload(add(from, 0x20)))
                mstore(add(to, 0x40), mload(add(from, 0x40)))
                mstore(add(to, 0x60), mload(add(from, 0x60)))
            }
            let scratch := mload(0x40)
            let weightSum := mload(add(work, 0x60))
            let weights := add(work, 0x80)
            let ic := add(mload(add(vk, 0x80)), 0x20)

            // Σ_i r_i L_i = (Σ r_i) IC_0 + Σ_j (Σ_i r_i x_ij) IC_{j+1}, accumulated in scratch[0..1].
            mstore(scratch, mload(ic))
            mstore(add(scratch, 0x20), mload(add(ic, 0x20)))
            mstore(add(scratch, 0x40), weightSum)
            ok := staticcall(EC_MUL_GAS, 0x07, scratch, 0x60, scratch, 0x40)
            for {
                let j := 0
            } lt(j, nPublic) {
                j := add(j, 1)
            } {
                let point := add(ic, shl(6, add(j, 1)))
                mstore(add(scratch, 0x40), mload(point))
                mstore(add(scratch, 0x60), mload(add(point, 0x20)))
                mstore(add(scratch, 0x80), mload(add(weights, shl(5, j))))
                ok := and(ok, staticcall(EC_MUL_GAS, 0x07, add(scratch, 0x40), 0x60, add(scratch, 0x40), 0x40))
                ok := and(ok, staticcall(EC_ADD_GAS, 0x06, scratch, 0x80, scratch, 0x40))
            }

            let pairs := add(weights, shl(5, nPublic))
            let tail := add(pairs, mul(count, 0xc0))
            // ((Σ r_i) α, β)
            let alpha := mload(vk)
            mstore(tail, mload(alpha))
            mstore(add(tail, 0x20), mload(add(alpha, 0x20)))
            mstore(add(tail, 0x40), weightSum)
            ok := and(ok, staticcall(EC_MUL_GAS, 0x07, tail, 0x60, tail, 0x40))
            copyG2(add(tail, 0x40), mload(add(vk, 0x20)))
            // (Σ_i r_i L_i, γ)
            mstore(add(tail, 0xc0), mload(scratch))
            mstore(add(tail, 0xe0), mload(add(scratch, 0x20)))
            copyG2(add(tail, 0x100), mload(add(vk, 0x40)))
            // (Σ_i r_i C_i, δ)
            mstore(add(tail, 0x180), mload(add(work, 0x20)))
            mstore(add(tail, 0x1a0), mload(add(work, 0x40)))
            copyG2(add(tail, 0x1c0), mload(add(vk, 0x60)))

            ok := and(ok, staticcall(gas(), 0x08, pairs, mul(add(count, 3), 0xc0), 0x00, 0x20))
            ok := and(ok, mload(0x00))
        }
    }
}
