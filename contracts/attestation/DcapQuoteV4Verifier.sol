// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {P256} from "@openzeppelin/contracts/utils/cryptography/P256.sol";

import {IAttestationVerifier} from "../interfaces/IAttestationVerifier.sol";
import {IDcapQuoteV4Verifier} from "../interfaces/IDcapQuoteV4Verifier.sol";
import {DcapQuoteV4} from "../libraries/DcapQuoteV4.sol";
import {DerLite} from "../libraries/DerLite.sol";
import {PemCertificates} from "../libraries/PemCertificates.sol";
import {X509P256} from "../libraries/X509P256.sol";

/// @title DcapQuoteV4Verifier
/// @notice An `IAttestationVerifier` for Intel DCAP quotes v4 (SGX and TDX). The attestation bytes are the raw quote.
/// Every signature is checked with OpenZeppelin `P256` (the P-256 precompile where the chain has it):
/// 1. the quote (header ‖ report body) by the attestation key in the quote;
/// 2. the QE report by the PCK leaf key, and the QE report data = sha256(attestation key ‖ QE auth data) ‖ 0^32;
/// 3. the PCK leaf certificate (DER, from the PEM chain in the quote) by the PCK CA certificate's key;
/// 4. the PCK CA certificate by the Intel SGX Root CA key pinned at deployment (the chain's root certificate must
///    carry that same key and be self-signed by it).
/// Certificates must be valid at the block's time, names must chain (issuer = issuer's subject) and the PCK CA must be
/// a CA. High-s signatures are normalised to low-s before every check (Intel's signers do not produce low-s).
/// @dev What is not checked against Intel collateral: TCB info and QE identity levels (governance records a TCB status
/// per `tcbId` instead), PCK CRLs, the TDX module identity. See docs/tee.md.
contract DcapQuoteV4Verifier is IDcapQuoteV4Verifier, Ownable2Step {
    using DerLite for bytes;
    using DerLite for DerLite.Node;

    /// @dev OID elements (tag, length, value) of the Intel SGX extension and its TCB and FMSPC entries, and of
    /// basicConstraints.
    bytes32 private constant _SGX_EXTENSION_OID = keccak256(hex"06092a864886f84d010d01");
    bytes32 private constant _SGX_TCB_OID = keccak256(hex"060a2a864886f84d010d0102");
    bytes32 private constant _SGX_FMSPC_OID = keccak256(hex"060a2a864886f84d010d0104");
    bytes32 private constant _BASIC_CONSTRAINTS_OID = keccak256(hex"0603551d13");

    /// @dev The DEBUG bit of SGX attributes (byte 0, bit 1) and of TDX TD attributes (byte 0, bit 0).
    uint8 private constant _SGX_DEBUG = 0x02;
    uint8 private constant _TDX_DEBUG = 0x01;
    /// @dev ISVPRODID of Intel's quoting enclave for SGX quotes (QE) and for TDX quotes (TD_QE).
    uint256 private constant _SGX_QE_PROD_ID = 1;
    uint256 private constant _TDX_QE_PROD_ID = 2;

    bytes32 private immutable _rootKeyX;
    bytes32 private immutable _rootKeyY;
    /// @inheritdoc IDcapQuoteV4Verifier
    bytes32 public immutable qeMrSigner;

    mapping(bytes32 tcbId => TcbStatus) private _tcbStatus;

    /// @param owner_ who records TCB statuses (governance)
    /// @param rootKeyX_ the pinned Intel SGX Root CA public key, X coordinate. There is no default: pass Intel's real
    /// root key on public networks, a test root (see sdk/testing/tee) on local ones.
    /// @param rootKeyY_ its Y coordinate
    /// @param qeMrSigner_ the MRSIGNER of the quoting enclave (Intel's on public networks)
    constructor(address owner_, bytes32 rootKeyX_, bytes32 rootKeyY_, bytes32 qeMrSigner_) Ownable(owner_) {
        if (!P256.isValidPublicKey(rootKeyX_, rootKeyY_)) revert DcapInvalidRootKey(rootKeyX_, rootKeyY_);
        if (qeMrSigner_ == bytes32(0)) revert DcapZeroQeMrSigner();
        _rootKeyX = rootKeyX_;
        _rootKeyY = rootKeyY_;
        qeMrSigner = qeMrSigner_;
    }

    /// @inheritdoc IDcapQuoteV4Verifier
    function setTcbStatus(bytes32 tcbId, TcbStatus status) external onlyOwner {
        emit TcbStatusSet(tcbId, _tcbStatus[tcbId], status);
        _tcbStatus[tcbId] = status;
    }

    /// @inheritdoc IDcapQuoteV4Verifier
    function tcbStatusOf(bytes32 tcbId) external view returns (TcbStatus) {
        return _tcbStatus[tcbId];
    }

    /// @inheritdoc IDcapQuoteV4Verifier
    function rootKey() external view returns (bytes32 x, bytes32 y) {
        return (_rootKeyX, _rootKeyY);
    }

    /// @inheritdoc IAttestationVerifier
    function verifyAttestation(bytes calldata quote) external view returns (Attestation memory result) {
        DcapQuoteV4.Quote memory q = DcapQuoteV4.parse(quote);

        // 1. the quote body, by the attestation key
        bytes32 digest = sha256(quote[0:DcapQuoteV4.HEADER_LENGTH + q.bodyLength]);
        if (!_verify(digest, q.sigR, q.sigS, q.attestationKeyX, q.attestationKeyY)) revert DcapInvalidQuoteSignature();

        // 2. the QE report binds the attestation key and comes from Intel's quoting enclave
        uint256 qeIsvSvn = _checkQeReport(quote, q);

        // 3-4. the PCK chain up to the pinned root; the PCK key signed the QE report
        (bytes32 fmspcHash, bytes32 tcbHash) = _checkPckChain(quote, q);

        uint256 body = DcapQuoteV4.HEADER_LENGTH;
        bytes16 teeTcbSvn;
        if (q.teeType == DcapQuoteV4.TEE_TYPE_SGX) {
            result.measurement = bytes32(quote[body + DcapQuoteV4.SGX_MRENCLAVE:body + DcapQuoteV4.SGX_MRENCLAVE + 32]);
            result.reportData = bytes32(
                quote[body + DcapQuoteV4.SGX_REPORTDATA:body + DcapQuoteV4.SGX_REPORTDATA + 32]
            );
            result.debug = uint8(quote[body + DcapQuoteV4.SGX_ATTRIBUTES]) & _SGX_DEBUG != 0;
        } else {
            // MRTD (48 bytes) and RTMR0..RTMR3 (4 x 48 bytes, contiguous)
            result.measurement = keccak256(
                abi.encodePacked(
                    quote[body + DcapQuoteV4.TDX_MRTD:body + DcapQuoteV4.TDX_MRTD + 48],
                    quote[body + DcapQuoteV4.TDX_RTMR0:body + DcapQuoteV4.TDX_RTMR0 + 192]
                )
            );
            result.reportData = bytes32(
                quote[body + DcapQuoteV4.TDX_REPORTDATA:body + DcapQuoteV4.TDX_REPORTDATA + 32]
            );
            result.debug = uint8(quote[body + DcapQuoteV4.TDX_TD_ATTRIBUTES]) & _TDX_DEBUG != 0;
            teeTcbSvn = bytes16(quote[body + DcapQuoteV4.TDX_TEE_TCB_SVN:body + DcapQuoteV4.TDX_TEE_TCB_SVN + 16]);
        }
        result.tcbId = keccak256(abi.encode(q.teeType, fmspcHash, tcbHash, qeIsvSvn, teeTcbSvn));
        result.tcbStatus = _tcbStatus[result.tcbId];
    }

    /// @dev Checks the QE report's identity and report data; returns the QE's ISVSVN (part of the TCB id).
    function _checkQeReport(bytes calldata quote, DcapQuoteV4.Quote memory q) private view returns (uint256) {
        uint256 report = q.qeReport;
        bytes32 mrSigner = bytes32(quote[report + DcapQuoteV4.SGX_MRSIGNER:report + DcapQuoteV4.SGX_MRSIGNER + 32]);
        uint256 prodId = DcapQuoteV4.le(quote, report + DcapQuoteV4.SGX_ISVPRODID, 2);
        bool debug = uint8(quote[report + DcapQuoteV4.SGX_ATTRIBUTES]) & _SGX_DEBUG != 0;
        uint256 expectedProdId = q.teeType == DcapQuoteV4.TEE_TYPE_SGX ? _SGX_QE_PROD_ID : _TDX_QE_PROD_ID;
        if (mrSigner != qeMrSigner || prodId != expectedProdId || debug) {
            revert DcapUntrustedQuotingEnclave(mrSigner, prodId, debug);
        }

        bytes32 expected = sha256(
            abi.encodePacked(
                q.attestationKeyX,
                q.attestationKeyY,
                quote[q.qeAuthData:q.qeAuthData + q.qeAuthDataLength]
            )
        );
        uint256 reportData = report + DcapQuoteV4.SGX_REPORTDATA;
        bytes32 actual = bytes32(quote[reportData:reportData + 32]);
        if (actual != expected || bytes32(quote[reportData + 32:reportData + 64]) != bytes32(0)) {
            revert DcapQeReportDataMismatch(expected, actual);
        }
        return DcapQuoteV4.le(quote, report + DcapQuoteV4.SGX_ISVSVN, 2);
    }

    /// @dev Decodes and checks the PEM chain (PCK leaf, PCK CA, root), checks the QE report signature by the PCK key,
    /// and returns the hashes of the leaf's FMSPC and TCB entries.
    function _checkPckChain(
        bytes calldata quote,
        DcapQuoteV4.Quote memory q
    ) private view returns (bytes32 fmspcHash, bytes32 tcbHash) {
        bytes[] memory ders = PemCertificates.decode(quote[q.pem:q.pem + q.pemLength], 3);
        X509P256.Certificate memory leaf = X509P256.parse(ders[0]);
        X509P256.Certificate memory ca = X509P256.parse(ders[1]);
        X509P256.Certificate memory root = X509P256.parse(ders[2]);

        if (root.keyX != _rootKeyX || root.keyY != _rootKeyY) revert DcapRootKeyMismatch(root.keyX, root.keyY);
        // The pinned key is the trust anchor; checking the root's self-signature too means no byte of the chain in the
        // quote goes unauthenticated.
        if (root.issuerHash != root.subjectHash) revert DcapCertificateIssuerMismatch(2);
        if (!_verify(ders[2].sha256Element(root.tbs), root.sigR, root.sigS, _rootKeyX, _rootKeyY)) {
            revert DcapInvalidCertificateSignature(2);
        }
        _checkValidity(root, 2);
        _checkValidity(ca, 1);
        _checkValidity(leaf, 0);

        if (ca.issuerHash != root.subjectHash) revert DcapCertificateIssuerMismatch(1);
        if (!_verify(ders[1].sha256Element(ca.tbs), ca.sigR, ca.sigS, _rootKeyX, _rootKeyY)) {
            revert DcapInvalidCertificateSignature(1);
        }
        _checkIsCa(ders[1], ca);

        if (leaf.issuerHash != ca.subjectHash) revert DcapCertificateIssuerMismatch(0);
        if (!_verify(ders[0].sha256Element(leaf.tbs), leaf.sigR, leaf.sigS, ca.keyX, ca.keyY)) {
            revert DcapInvalidCertificateSignature(0);
        }

        bytes32 qeDigest = sha256(quote[q.qeReport:q.qeReport + DcapQuoteV4.SGX_REPORT_LENGTH]);
        if (!_verify(qeDigest, q.qeSigR, q.qeSigS, leaf.keyX, leaf.keyY)) revert DcapInvalidQeReportSignature();

        return _sgxExtension(ders[0], leaf);
    }

    function _checkValidity(X509P256.Certificate memory cert, uint256 index) private view {
        if (block.timestamp < cert.notBefore || block.timestamp > cert.notAfter) {
            revert DcapCertificateNotValidNow(index, cert.notBefore, cert.notAfter, block.timestamp);
        }
    }

    /// @dev basicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, ... }: the first field must be TRUE.
    function _checkIsCa(bytes memory der, X509P256.Certificate memory cert) private pure {
        (bool found, DerLite.Node memory value) = X509P256.findExtension(der, cert, _BASIC_CONSTRAINTS_OID);
        if (!found) revert DcapIssuerNotCa();
        DerLite.Node memory constraints = der.expect(value.contentStart, value.end, 0x30);
        if (constraints.end == constraints.contentStart) revert DcapIssuerNotCa();
        DerLite.Node memory ca = der.firstChild(constraints);
        if (ca.tag != 0x01 || ca.contentLength() != 1 || uint8(der[ca.contentStart]) != 0xff) revert DcapIssuerNotCa();
    }

    /// @dev The Intel SGX extension is a SEQUENCE of SEQUENCE { OID, value }; returns the hashes of the FMSPC and TCB
    /// value elements.
    function _sgxExtension(
        bytes memory der,
        X509P256.Certificate memory leaf
    ) private pure returns (bytes32 fmspcHash, bytes32 tcbHash) {
        (bool found, DerLite.Node memory value) = X509P256.findExtension(der, leaf, _SGX_EXTENSION_OID);
        if (!found) revert DcapMissingSgxExtension();
        DerLite.Node memory entries = der.expect(value.contentStart, value.end, 0x30);
        uint256 offset = entries.contentStart;
        while (offset < entries.end) {
            DerLite.Node memory entry = der.expect(offset, entries.end, 0x30);
            DerLite.Node memory oid = der.expect(entry.contentStart, entry.end, 0x06);
            DerLite.Node memory item = der.at(oid.end, entry.end);
            bytes32 oidHash = der.hashElement(oid);
            if (oidHash == _SGX_FMSPC_OID) {
                if (item.tag != 0x04 || item.contentLength() != 6) revert DcapMissingSgxExtension();
                fmspcHash = der.hashElement(item);
            } else if (oidHash == _SGX_TCB_OID) {
                if (item.tag != 0x30) revert DcapMissingSgxExtension();
                tcbHash = der.hashElement(item);
            }
            offset = entry.end;
        }
        if (fmspcHash == bytes32(0) || tcbHash == bytes32(0)) revert DcapMissingSgxExtension();
    }

    /// @dev P-256 check of (r, s) over `digest`. Intel's signers do not normalise s, while OpenZeppelin's `P256`
    /// refuses s > N/2 (malleability), so every signature is first normalised to low-s: (r, N - s) is the same
    /// signature. Malleability is harmless here: no signature is used as an identifier.
    function _verify(bytes32 digest, bytes32 r, bytes32 s, bytes32 x, bytes32 y) private view returns (bool) {
        uint256 sv = uint256(s);
        if (sv > P256.N / 2 && sv < P256.N) s = bytes32(P256.N - sv);
        return P256.verify(digest, r, s, x, y);
    }
}
