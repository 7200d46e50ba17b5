// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The quote is shorter than its structure requires at this point.
error DcapQuoteTruncated(uint256 length, uint256 needed);
/// @notice The quote is longer than `MAX_QUOTE_LENGTH`, or carries bytes after its declared end.
error DcapQuoteOversized(uint256 length, uint256 expected);
/// @notice The header's version is not 4.
error DcapUnsupportedVersion(uint256 version);
/// @notice The attestation key type is not ECDSA-256-with-P-256 (2).
error DcapUnsupportedAttestationKeyType(uint256 keyType);
/// @notice The TEE type is neither SGX (0x00) nor TDX (0x81).
error DcapUnsupportedTeeType(uint256 teeType);
/// @notice The QE vendor id is not Intel's.
error DcapUnknownQeVendor(bytes16 vendorId);
/// @notice A certification data block has another type than the one required here.
error DcapUnsupportedCertificationDataType(uint256 found, uint256 expected);
/// @notice A declared length disagrees with the bytes that follow it.
error DcapLengthMismatch(uint256 offset, uint256 declared, uint256 available);

/// @title DcapQuoteV4
/// @notice Splits an Intel DCAP quote v4 (SGX or TDX, ECDSA P-256 attestation key, QE report certification data with
/// a PEM PCK chain) into its parts, checking every length so that no read leaves the quote. Offsets and sizes follow
/// Intel's "SGX ECDSA Quote Library API" (quote v4) and "TDX DCAP Quote Generation" (TD report 1.0) layouts.
/// @dev Integers in the quote are little-endian.
library DcapQuoteV4 {
    uint256 internal constant HEADER_LENGTH = 48;
    uint256 internal constant SGX_REPORT_LENGTH = 384;
    uint256 internal constant TDX_REPORT_LENGTH = 584;
    uint256 internal constant TEE_TYPE_SGX = 0x00;
    uint256 internal constant TEE_TYPE_TDX = 0x81;
    /// @notice Real v4 quotes are about 4.7-5.1 KB (most of it the PEM chain); anything past this is refused.
    uint256 internal constant MAX_QUOTE_LENGTH = 8192;
    /// @notice Intel's QE vendor id 939A7233-F79C-4CA9-940A-0DB3957F0607.
    bytes16 internal constant INTEL_QE_VENDOR_ID = 0x939a7233f79c4ca9940a0db3957f0607;

    /// @dev Offsets in an SGX report body (enclave report, 384 bytes); also the layout of the QE report.
    uint256 internal constant SGX_ATTRIBUTES = 48;
    uint256 internal constant SGX_MRENCLAVE = 64;
    uint256 internal constant SGX_MRSIGNER = 128;
    uint256 internal constant SGX_ISVPRODID = 256;
    uint256 internal constant SGX_ISVSVN = 258;
    uint256 internal constant SGX_REPORTDATA = 320;
    /// @dev Offsets in a TDX TD report body (584 bytes).
    uint256 internal constant TDX_TEE_TCB_SVN = 0;
    uint256 internal constant TDX_TD_ATTRIBUTES = 120;
    uint256 internal constant TDX_MRTD = 136;
    uint256 internal constant TDX_RTMR0 = 328;
    uint256 internal constant TDX_REPORTDATA = 520;

    /// @notice Where the parts of a quote are (absolute offsets into the quote) and its fixed-size values.
    struct Quote {
        uint256 teeType;
        uint256 bodyLength; // 384 (SGX) or 584 (TDX), at offset HEADER_LENGTH
        bytes32 sigR; // quote signature by the attestation key over header || body
        bytes32 sigS;
        bytes32 attestationKeyX;
        bytes32 attestationKeyY;
        uint256 qeReport; // offset of the 384-byte QE report
        bytes32 qeSigR; // QE report signature by the PCK key
        bytes32 qeSigS;
        uint256 qeAuthData; // offset and length of the QE authentication data
        uint256 qeAuthDataLength;
        uint256 pem; // offset and length of the PEM PCK certificate chain
        uint256 pemLength;
    }

    /// @notice Splits `quote`, checking the header and every length.
    function parse(bytes calldata quote) internal pure returns (Quote memory q) {
        if (quote.length > MAX_QUOTE_LENGTH) revert DcapQuoteOversized(quote.length, MAX_QUOTE_LENGTH);
        _need(quote, HEADER_LENGTH);
        uint256 version = le(quote, 0, 2);
        if (version != 4) revert DcapUnsupportedVersion(version);
        uint256 keyType = le(quote, 2, 2);
        if (keyType != 2) revert DcapUnsupportedAttestationKeyType(keyType);
        q.teeType = le(quote, 4, 4);
        if (q.teeType == TEE_TYPE_SGX) q.bodyLength = SGX_REPORT_LENGTH;
        else if (q.teeType == TEE_TYPE_TDX) q.bodyLength = TDX_REPORT_LENGTH;
        else revert DcapUnsupportedTeeType(q.teeType);
        bytes16 vendor = bytes16(quote[12:28]);
        if (vendor != INTEL_QE_VENDOR_ID) revert DcapUnknownQeVendor(vendor);

        _parseSignatureData(quote, q);
    }

    /// @dev Quote signature data: length (4) ‖ signature (64) ‖ attestation key (64) ‖ certification data.
    function _parseSignatureData(bytes calldata quote, Quote memory q) private pure {
        uint256 p = HEADER_LENGTH + q.bodyLength;
        _need(quote, p + 4);
        uint256 declaredEnd = p + 4 + le(quote, p, 4);
        if (quote.length < declaredEnd) revert DcapQuoteTruncated(quote.length, declaredEnd);
        if (quote.length > declaredEnd) revert DcapQuoteOversized(quote.length, declaredEnd);
        p += 4;
        _need(quote, p + 128 + 6);
        q.sigR = bytes32(quote[p:p + 32]);
        q.sigS = bytes32(quote[p + 32:p + 64]);
        q.attestationKeyX = bytes32(quote[p + 64:p + 96]);
        q.attestationKeyY = bytes32(quote[p + 96:p + 128]);
        p += 128;

        // Certification data type 6 (QE report certification data): type (2) ‖ size (4) ‖ data to the end
        uint256 certType = le(quote, p, 2);
        if (certType != 6) revert DcapUnsupportedCertificationDataType(certType, 6);
        _exact(quote, p + 2, le(quote, p + 2, 4), p + 6);
        p += 6;

        // QE report (384) ‖ QE report signature (64) ‖ QE auth data size (2) ‖ QE auth data
        _need(quote, p + SGX_REPORT_LENGTH + 64 + 2);
        q.qeReport = p;
        p += SGX_REPORT_LENGTH;
        q.qeSigR = bytes32(quote[p:p + 32]);
        q.qeSigS = bytes32(quote[p + 32:p + 64]);
        p += 64;
        q.qeAuthDataLength = le(quote, p, 2);
        q.qeAuthData = p + 2;
        p += 2 + q.qeAuthDataLength;

        // Certification data type 5 (PCK certificate chain, PEM): type (2) ‖ size (4) ‖ PEM to the end
        _need(quote, p + 6);
        certType = le(quote, p, 2);
        if (certType != 5) revert DcapUnsupportedCertificationDataType(certType, 5);
        q.pemLength = le(quote, p + 2, 4);
        _exact(quote, p + 2, q.pemLength, p + 6);
        q.pem = p + 6;
    }

    /// @notice The little-endian unsigned integer of `size` bytes at `offset`; the caller checked the bounds.
    function le(bytes calldata quote, uint256 offset, uint256 size) internal pure returns (uint256 value) {
        for (uint256 i = size; i > 0; --i) {
            value = (value << 8) | uint8(quote[offset + i - 1]);
        }
    }

    function _need(bytes calldata quote, uint256 needed) private pure {
        if (quote.length < needed) revert DcapQuoteTruncated(quote.length, needed);
    }

    /// @dev The `declared` length at `at` must cover exactly the bytes from `from` to the end of the quote (whose
    /// total length the signature data length already fixed).
    function _exact(bytes calldata quote, uint256 at, uint256 declared, uint256 from) private pure {
        uint256 available = quote.length - from;
        if (declared != available) revert DcapLengthMismatch(at, declared, available);
    }
}
