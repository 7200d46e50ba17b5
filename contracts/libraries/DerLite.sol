// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A DER element runs past its parent or the buffer, or its length is not in minimal DER form.
error DerMalformed(uint256 offset);
/// @notice A DER element has another tag than the structure requires.
error DerUnexpectedTag(uint256 offset, uint256 expected, uint256 actual);

/// @title DerLite
/// @notice Minimal DER walking over a `bytes memory` buffer: read one element's header, step to the next sibling,
/// hash or load a span. Every read is bounds-checked against the enclosing element, so malformed input reverts with a
/// named error and never reads past the buffer.
/// @dev Hand-written: no maintained Solidity DER/X.509 library exists (OpenZeppelin has none; Automata's and
/// Taiko's parsers are tied to their contracts). Only what X.509 certificates of P-256 keys need is supported:
/// single-byte tags, definite lengths of at most two length bytes (elements < 64 KiB).
library DerLite {
    /// @notice One element: its tag, where it starts (header), where its content starts and ends.
    struct Node {
        uint256 tag;
        uint256 start;
        uint256 contentStart;
        uint256 end;
    }

    /// @notice Reads the element at `offset`, which must end at or before `limit` (its parent's end).
    function at(bytes memory der, uint256 offset, uint256 limit) internal pure returns (Node memory node) {
        if (limit > der.length || offset + 2 > limit) revert DerMalformed(offset);
        uint256 tag = uint8(der[offset]);
        uint256 first = uint8(der[offset + 1]);
        uint256 len;
        uint256 contentStart;
        if (first < 0x80) {
            len = first;
            contentStart = offset + 2;
        } else if (first == 0x81) {
            if (offset + 3 > limit) revert DerMalformed(offset);
            len = uint8(der[offset + 2]);
            if (len < 0x80) revert DerMalformed(offset); // not minimal
            contentStart = offset + 3;
        } else if (first == 0x82) {
            if (offset + 4 > limit) revert DerMalformed(offset);
            len = (uint256(uint8(der[offset + 2])) << 8) | uint8(der[offset + 3]);
            if (len < 0x100) revert DerMalformed(offset); // not minimal
            contentStart = offset + 4;
        } else {
            // indefinite length (0x80) is BER, not DER; longer lengths do not occur in certificates
            revert DerMalformed(offset);
        }
        if (contentStart + len > limit) revert DerMalformed(offset);
        node = Node({tag: tag, start: offset, contentStart: contentStart, end: contentStart + len});
    }

    /// @notice Reads the element at `offset` (within `limit`) and requires its tag to be `tag`.
    function expect(
        bytes memory der,
        uint256 offset,
        uint256 limit,
        uint256 tag
    ) internal pure returns (Node memory node) {
        node = at(der, offset, limit);
        if (node.tag != tag) revert DerUnexpectedTag(offset, tag, node.tag);
    }

    /// @notice The first child of a constructed element, which must have content.
    function firstChild(bytes memory der, Node memory parent) internal pure returns (Node memory) {
        return at(der, parent.contentStart, parent.end);
    }

    /// @notice The content length of `node`.
    function contentLength(Node memory node) internal pure returns (uint256) {
        return node.end - node.contentStart;
    }

    /// @notice keccak256 of the whole element (header and content).
    function hashElement(bytes memory der, Node memory node) internal pure returns (bytes32 digest) {
        uint256 start = node.start;
        uint256 size = node.end - node.start;
        // Safe: `at` checked start..end lies inside `der`; the data starts 32 bytes after the length word.
        assembly ("memory-safe") {
            digest := keccak256(add(add(der, 32), start), size)
        }
    }

    /// @notice sha256 of the whole element (header and content), through the SHA-256 precompile.
    function sha256Element(bytes memory der, Node memory node) internal view returns (bytes32 digest) {
        uint256 start = node.start;
        uint256 size = node.end - node.start;
        bool ok;
        // Safe: `at` checked start..end lies inside `der`; the result goes to scratch space (0x00), read at once.
        assembly ("memory-safe") {
            ok := staticcall(gas(), 0x02, add(add(der, 32), start), size, 0x00, 0x20)
            digest := mload(0x00)
        }
        if (!ok) revert DerMalformed(start);
    }

    /// @notice The content of `node` as a big-endian number; its content must be at most 32 bytes.
    function contentWord(bytes memory der, Node memory node) internal pure returns (uint256 value) {
        uint256 size = node.end - node.contentStart;
        if (size > 32) revert DerMalformed(node.start);
        if (size == 0) return 0;
        uint256 end = node.end;
        // Safe: loads the 32 bytes that end at `end` (data offset end-32..end, i.e. memory der+end..der+end+32), which lie
        // inside `der`'s allocation (its length word included when end < 32), then keeps the low `size` bytes.
        assembly ("memory-safe") {
            let mask := not(0)
            if lt(size, 32) {
                mask := sub(shl(mul(size, 8), 1), 1)
            }
            value := and(mload(add(der, end)), mask)
        }
    }

    /// @notice The 32-byte word at `offset` of `der`, which must lie inside `node`'s content.
    function wordAt(bytes memory der, Node memory node, uint256 offset) internal pure returns (bytes32 value) {
        if (offset < node.contentStart || offset + 32 > node.end) revert DerMalformed(node.start);
        // Safe: offset..offset+32 lies inside `der`'s data (checked above and by `at`).
        assembly ("memory-safe") {
            value := mload(add(add(der, 32), offset))
        }
    }

    /// @notice Reads a DER INTEGER as an unsigned number below 2^256: at most 32 bytes, or 33 with a leading zero.
    function unsignedInteger(bytes memory der, Node memory node) internal pure returns (uint256) {
        if (node.tag != 0x02) revert DerUnexpectedTag(node.start, 0x02, node.tag);
        uint256 size = node.end - node.contentStart;
        if (size == 0) revert DerMalformed(node.start);
        if (uint8(der[node.contentStart]) >= 0x80) revert DerMalformed(node.start); // negative
        if (size == 33) {
            if (der[node.contentStart] != 0) revert DerMalformed(node.start);
            return contentWord(der, Node(node.tag, node.start, node.contentStart + 1, node.end));
        }
        return contentWord(der, node);
    }
}
