// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The PEM text is not a sequence of `count` CERTIFICATE blocks (error at `offset` of the PEM text).
error PemMalformed(uint256 offset);

/// @title PemCertificates
/// @notice Decodes a PEM chain of certificates ("-----BEGIN CERTIFICATE-----", base64 lines, "-----END
/// CERTIFICATE-----", as Intel's quotes carry the PCK chain) from calldata into DER.
/// @dev Hand-written: OpenZeppelin's `Base64.decode` takes a string without line breaks, so using it would first
/// copy each block without its newlines; decoding in one pass that skips line breaks is cheaper. Only CR and LF may
/// appear inside a block; between and after blocks only CR, LF, space and NUL (Intel pads the chain with a NUL).
library PemCertificates {
    bytes27 private constant _BEGIN = "-----BEGIN CERTIFICATE-----";
    bytes25 private constant _END = "-----END CERTIFICATE-----";

    /// @notice Decodes exactly `count` certificates from `pem`; any other content is refused.
    function decode(bytes calldata pem, uint256 count) internal pure returns (bytes[] memory certificates) {
        certificates = new bytes[](count);
        uint256 offset = _skipSpace(pem, 0);
        for (uint256 i = 0; i < count; ++i) {
            if (offset + 27 > pem.length || bytes27(pem[offset:offset + 27]) != _BEGIN) revert PemMalformed(offset);
            uint256 end;
            (certificates[i], end) = _base64UntilDash(pem, offset + 27);
            if (end + 25 > pem.length || bytes25(pem[end:end + 25]) != _END) revert PemMalformed(end);
            offset = _skipSpace(pem, end + 25);
        }
        if (offset != pem.length) revert PemMalformed(offset);
    }

    function _skipSpace(bytes calldata pem, uint256 offset) private pure returns (uint256) {
        while (offset < pem.length) {
            bytes1 ch = pem[offset];
            if (ch != 0x0a && ch != 0x0d && ch != 0x20 && ch != 0x00) break;
            ++offset;
        }
        return offset;
    }

    /// @dev Base64 decoding table, 256 entries in 8 words: sextet value (0-63), 0x40 '=', 0x80 CR/LF, 0xc0 '-', 0xff
    /// anything else.
    uint256 private constant _T0 = 0xffffffffffffffffffff80ffff80ffffffffffffffffffffffffffffffffffff;
    uint256 private constant _T1 = 0xffffffffffffffffffffff3effc0ff3f3435363738393a3b3c3dffffff40ffff;
    uint256 private constant _T2 = 0xff000102030405060708090a0b0c0d0e0f10111213141516171819ffffffffff;
    uint256 private constant _T3 = 0xff1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233ffffffffff;
    uint256 private constant _T4 = 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff;
    uint256 private constant _T5 = 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff;
    uint256 private constant _T6 = 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff;
    uint256 private constant _T7 = 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff;

    /// @dev Decodes base64 from `from` up to the first '-' (the END line; '-' is not in the standard alphabet) and
    /// returns the bytes and the offset of that '-'. Reverts on any other character, a missing '-', bad padding or a
    /// non-canonical last group (so that one DER encoding has one PEM text, up to line breaks).
    // One assembly loop: splitting it would cost a call per character.
    // solhint-disable-next-line function-max-lines
    function _base64UntilDash(bytes calldata pem, uint256 from) private pure returns (bytes memory out, uint256 dash) {
        uint256 to = pem.length;
        // 3 bytes per 4 characters, plus 32 bytes of slack for the last 32-byte store of a group
        out = new bytes(((to - from) / 4) * 3 + 32);
        uint256 bad;
        // Hot loop over ~1,300 characters per certificate, in assembly with a lookup table (a Solidity or `switch`
        // version cost ~450 gas a character; four characters at a time where possible). Safe: reads are calldata (`from` <= i < pem.length); the table lives in
        // scratch memory past the free memory pointer (never allocated, dropped at the end); group writes store 32
        // bytes at `o`, which stays within `out` plus its 32 bytes of slack; `out`'s length is then shrunk to what was
        // written.
        assembly ("memory-safe") {
            let table := mload(0x40)
            mstore(table, _T0)
            mstore(add(table, 0x20), _T1)
            mstore(add(table, 0x40), _T2)
            mstore(add(table, 0x60), _T3)
            mstore(add(table, 0x80), _T4)
            mstore(add(table, 0xa0), _T5)
            mstore(add(table, 0xc0), _T6)
            mstore(add(table, 0xe0), _T7)
            let outPtr := add(out, 32)
            let o := outPtr
            let acc := 1 // a sentinel bit above the sextets: four sextets make acc >= 2^24
            let dataLimit := 64 // values below it are data; 0 once padding started
            let pad := 0
            let base := pem.offset
            dash := to
            for {
                let i := from
            } lt(i, to) {} {
                // Fast path: four data characters at a group boundary (PEM lines are 64 characters, so nearly all).
                if and(eq(acc, 1), lt(add(i, 3), to)) {
                    let w := calldataload(add(base, i))
                    let c0 := byte(0, w)
                    let c1 := byte(1, w)
                    let c2 := byte(2, w)
                    let c3 := byte(3, w)
                    let v0 := byte(and(c0, 31), mload(add(table, and(c0, 0xe0))))
                    let v1 := byte(and(c1, 31), mload(add(table, and(c1, 0xe0))))
                    let v2 := byte(and(c2, 31), mload(add(table, and(c2, 0xe0))))
                    let v3 := byte(and(c3, 31), mload(add(table, and(c3, 0xe0))))
                    if lt(or(or(v0, v1), or(v2, v3)), dataLimit) {
                        mstore(o, shl(232, or(or(shl(18, v0), shl(12, v1)), or(shl(6, v2), v3))))
                        o := add(o, 3)
                        i := add(i, 4)
                        continue
                    }
                }
                // Slow path: one character (line breaks, padding, the END line, a group across a line break).
                let c := byte(0, calldataload(add(base, i)))
                let v := byte(and(c, 31), mload(add(table, and(c, 0xe0))))
                i := add(i, 1)
                if lt(v, dataLimit) {
                    acc := or(shl(6, acc), v)
                    if gt(acc, 0xffffff) {
                        mstore(o, shl(232, acc)) // the 24 data bits, sentinel shifted out
                        o := add(o, 3)
                        acc := 1
                    }
                    continue
                }
                if eq(v, 0x80) {
                    continue
                }
                if eq(v, 0xc0) {
                    dash := sub(i, 1)
                    break
                }
                if eq(v, 0x40) {
                    dataLimit := 0
                    pad := add(pad, 1)
                    acc := shl(6, acc)
                    if gt(acc, 0xffffff) {
                        // canonical encoding: the bits that padding drops (the low 8 per '=') must be zero
                        if and(acc, sub(shl(mul(8, pad), 1), 1)) {
                            bad := 1
                            break
                        }
                        mstore(o, shl(232, acc))
                        o := add(o, 3)
                        acc := 1
                    }
                    continue
                }
                // a character outside the alphabet, or data after padding
                bad := 1
                break
            }
            // a partial group, more than two '=' or no END line
            if or(or(iszero(eq(acc, 1)), gt(pad, 2)), eq(dash, to)) {
                bad := 1
            }
            if iszero(bad) {
                mstore(out, sub(sub(o, outPtr), pad))
            }
        }
        if (bad != 0) revert PemMalformed(from);
    }
}
