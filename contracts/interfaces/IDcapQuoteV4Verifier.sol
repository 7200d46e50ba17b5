// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAttestationVerifier} from "./IAttestationVerifier.sol";

/// @title IDcapQuoteV4Verifier
/// @notice Verifies Intel DCAP quotes v4 (SGX enclaves and TDX trust domains) on chain: the quote signature by the
/// attestation key, the QE report signature by the PCK key, the QE report data binding the attestation key, the PCK
/// leaf certificate by the PCK CA and that CA by the pinned Intel SGX Root CA key, all P-256 with OpenZeppelin `P256`.
/// Measurement: SGX = MRENCLAVE; TDX = keccak256(MRTD ‖ RTMR0 ‖ RTMR1 ‖ RTMR2 ‖ RTMR3). TCB status comes from
/// governance, keyed by `tcbId` (Intel's TCB info is not evaluated on chain).
interface IDcapQuoteV4Verifier is IAttestationVerifier {
    /// @notice The quote signature (header ‖ body, by the attestation key) does not verify.
    error DcapInvalidQuoteSignature();
    /// @notice The QE report signature (by the PCK leaf key) does not verify.
    error DcapInvalidQeReportSignature();
    /// @notice The QE report data is not sha256(attestation key ‖ QE auth data) followed by 32 zero bytes.
    error DcapQeReportDataMismatch(bytes32 expected, bytes32 actual);
    /// @notice The QE report is not from Intel's quoting enclave (MRSIGNER, ISVPRODID) or is a debug enclave.
    error DcapUntrustedQuotingEnclave(bytes32 mrSigner, uint256 isvProdId, bool debug);
    /// @notice Certificate `index` of the chain (0 PCK leaf, 1 PCK CA, 2 root) is not signed by its issuer's key.
    error DcapInvalidCertificateSignature(uint256 index);
    /// @notice Certificate `index`'s issuer name is not its issuer certificate's subject name.
    error DcapCertificateIssuerMismatch(uint256 index);
    /// @notice Certificate `index` is not valid at this block's time.
    error DcapCertificateNotValidNow(uint256 index, uint256 notBefore, uint256 notAfter, uint256 timestamp);
    /// @notice The chain's root certificate does not carry the pinned Intel SGX Root CA key.
    error DcapRootKeyMismatch(bytes32 keyX, bytes32 keyY);
    /// @notice The PCK CA certificate is not marked as a CA (basicConstraints cA TRUE).
    error DcapIssuerNotCa();
    /// @notice The PCK leaf certificate has no well-formed Intel SGX extension (FMSPC, TCB).
    error DcapMissingSgxExtension();
    /// @notice The pinned root key is not a point of P-256.
    error DcapInvalidRootKey(bytes32 keyX, bytes32 keyY);
    /// @notice A quoting-enclave signer of zero was given.
    error DcapZeroQeMrSigner();

    /// @notice Governance recorded the TCB status of a platform TCB (see `tcbIdOf`).
    event TcbStatusSet(
        bytes32 indexed tcbId,
        IAttestationVerifier.TcbStatus oldStatus,
        IAttestationVerifier.TcbStatus newStatus
    );

    /// @notice Records the TCB status of `tcbId`, evaluated off chain against Intel's TCB info; only the owner.
    function setTcbStatus(bytes32 tcbId, IAttestationVerifier.TcbStatus status) external;

    /// @notice The recorded TCB status of `tcbId` (`Unknown` if governance has not recorded one).
    function tcbStatusOf(bytes32 tcbId) external view returns (IAttestationVerifier.TcbStatus);

    /// @notice The pinned Intel SGX Root CA public key (P-256, affine coordinates).
    function rootKey() external view returns (bytes32 x, bytes32 y);

    /// @notice The MRSIGNER that the quoting enclave's report must carry (Intel's QE signer on public networks).
    function qeMrSigner() external view returns (bytes32);
}
