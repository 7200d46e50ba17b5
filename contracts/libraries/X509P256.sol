// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DerLite, DerMalformed} from "./DerLite.sol";

/// @notice The certificate's signature algorithm or key algorithm is not ECDSA with SHA-256 over a P-256 key.
error X509UnsupportedAlgorithm(uint256 offset);
/// @notice A validity time is neither a UTCTime nor a GeneralizedTime in the form RFC 5280 requires.
error X509InvalidTime(uint256 offset);

/// @title X509P256
/// @notice Reads what a certificate chain check needs from a DER X.509 v3 certificate signed with ECDSA-SHA256 over a
/// P-256 key (Intel's SGX PCK chain): the to-be-signed span, issuer and subject, validity, public key, signature and
/// extensions. Anything else (RSA, other curves, BER lengths) reverts with a named error.
/// @dev Hand-written on `DerLite` (see there why). It does not interpret names or policies: callers compare issuer and
/// subject by hash and look up the extensions they need with `findExtension`.
library X509P256 {
    using DerLite for bytes;
    using DerLite for DerLite.Node;

    /// @notice The parts of a certificate that a chain check uses.
    struct Certificate {
        DerLite.Node tbs; // the tbsCertificate element, hashed for the signature
        DerLite.Node serial;
        bytes32 issuerHash; // keccak256 of the issuer Name element
        bytes32 subjectHash; // keccak256 of the subject Name element
        uint256 notBefore; // unix seconds
        uint256 notAfter; // unix seconds
        bytes32 keyX;
        bytes32 keyY;
        bytes32 sigR;
        bytes32 sigS;
        DerLite.Node extensions; // the SEQUENCE of extensions (tag 0 when the certificate has none)
    }

    /// @dev AlgorithmIdentifier { ecdsa-with-SHA256 } (1.2.840.10045.4.3.2, no parameters).
    bytes32 private constant _ECDSA_SHA256 = keccak256(hex"300a06082a8648ce3d040302");
    /// @dev AlgorithmIdentifier { id-ecPublicKey, prime256v1 } (1.2.840.10045.2.1, 1.2.840.10045.3.1.7).
    bytes32 private constant _P256_KEY = keccak256(hex"301306072a8648ce3d020106082a8648ce3d030107");

    /// @notice Parses `der`, which must be exactly one certificate.
    function parse(bytes memory der) internal pure returns (Certificate memory c) {
        DerLite.Node memory cert = der.expect(0, der.length, 0x30);
        if (cert.end != der.length) revert DerMalformed(cert.end);

        c.tbs = der.expect(cert.contentStart, cert.end, 0x30);
        _parseTbs(der, c);

        DerLite.Node memory sigAlg = der.expect(c.tbs.end, cert.end, 0x30);
        if (der.hashElement(sigAlg) != _ECDSA_SHA256) revert X509UnsupportedAlgorithm(sigAlg.start);

        // signatureValue BIT STRING: 0 unused bits, then Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }
        DerLite.Node memory sigBits = der.expect(sigAlg.end, cert.end, 0x03);
        if (sigBits.end != cert.end) revert DerMalformed(sigBits.end);
        if (sigBits.end == sigBits.contentStart || der[sigBits.contentStart] != 0) revert DerMalformed(sigBits.start);
        DerLite.Node memory sig = der.expect(sigBits.contentStart + 1, sigBits.end, 0x30);
        if (sig.end != sigBits.end) revert DerMalformed(sig.end);
        DerLite.Node memory r = der.firstChild(sig);
        DerLite.Node memory s = der.at(r.end, sig.end);
        if (s.end != sig.end) revert DerMalformed(s.end);
        c.sigR = bytes32(der.unsignedInteger(r));
        c.sigS = bytes32(der.unsignedInteger(s));
    }

    /// @notice The value (OCTET STRING) of the extension whose OID element (tag, length, value) hashes to `oidHash`.
    function findExtension(
        bytes memory der,
        Certificate memory c,
        bytes32 oidHash
    ) internal pure returns (bool found, DerLite.Node memory value) {
        if (c.extensions.tag == 0) return (false, value);
        uint256 offset = c.extensions.contentStart;
        while (offset < c.extensions.end) {
            // Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
            DerLite.Node memory extension = der.expect(offset, c.extensions.end, 0x30);
            DerLite.Node memory oid = der.expect(extension.contentStart, extension.end, 0x06);
            if (der.hashElement(oid) == oidHash) {
                DerLite.Node memory next = der.at(oid.end, extension.end);
                if (next.tag == 0x01) next = der.at(next.end, extension.end);
                if (next.tag != 0x04) revert DerMalformed(next.start);
                return (true, next);
            }
            offset = extension.end;
        }
        return (false, value);
    }

    function _parseTbs(bytes memory der, Certificate memory c) private pure {
        uint256 end = c.tbs.end;
        DerLite.Node memory node = der.firstChild(c.tbs);
        if (node.tag == 0xa0) node = der.at(node.end, end); // [0] EXPLICIT version
        if (node.tag != 0x02) revert DerMalformed(node.start);
        c.serial = node;

        DerLite.Node memory sigAlg = der.expect(node.end, end, 0x30);
        if (der.hashElement(sigAlg) != _ECDSA_SHA256) revert X509UnsupportedAlgorithm(sigAlg.start);

        DerLite.Node memory issuer = der.expect(sigAlg.end, end, 0x30);
        c.issuerHash = der.hashElement(issuer);

        DerLite.Node memory validity = der.expect(issuer.end, end, 0x30);
        DerLite.Node memory notBefore = der.firstChild(validity);
        DerLite.Node memory notAfter = der.at(notBefore.end, validity.end);
        if (notAfter.end != validity.end) revert DerMalformed(notAfter.end);
        c.notBefore = _time(der, notBefore);
        c.notAfter = _time(der, notAfter);

        DerLite.Node memory subject = der.expect(validity.end, end, 0x30);
        c.subjectHash = der.hashElement(subject);

        DerLite.Node memory spki = der.expect(subject.end, end, 0x30);
        _parseKey(der, spki, c);

        // optional issuerUniqueID [1], subjectUniqueID [2], extensions [3] EXPLICIT SEQUENCE
        uint256 offset = spki.end;
        while (offset < end) {
            node = der.at(offset, end);
            if (node.tag == 0xa3) {
                c.extensions = der.expect(node.contentStart, node.end, 0x30);
                if (c.extensions.end != node.end) revert DerMalformed(c.extensions.end);
            } else if (node.tag != 0x81 && node.tag != 0x82) {
                revert DerMalformed(node.start);
            }
            offset = node.end;
        }
    }

    function _parseKey(bytes memory der, DerLite.Node memory spki, Certificate memory c) private pure {
        DerLite.Node memory algorithm = der.firstChild(spki);
        if (der.hashElement(algorithm) != _P256_KEY) revert X509UnsupportedAlgorithm(algorithm.start);
        // subjectPublicKey BIT STRING: 0 unused bits, 0x04 (uncompressed), X (32), Y (32)
        DerLite.Node memory key = der.expect(algorithm.end, spki.end, 0x03);
        if (key.end != spki.end || key.contentLength() != 66) revert X509UnsupportedAlgorithm(key.start);
        if (der[key.contentStart] != 0 || der[key.contentStart + 1] != 0x04) {
            revert X509UnsupportedAlgorithm(key.start);
        }
        c.keyX = der.wordAt(key, key.contentStart + 2);
        c.keyY = der.wordAt(key, key.contentStart + 34);
    }

    /// @dev UTCTime YYMMDDHHMMSSZ (years 1950-2049) or GeneralizedTime YYYYMMDDHHMMSSZ, as RFC 5280 requires.
    function _time(bytes memory der, DerLite.Node memory node) private pure returns (uint256) {
        uint256 p = node.contentStart;
        uint256 year;
        if (node.tag == 0x17 && node.contentLength() == 13) {
            year = _digits(der, p, 2);
            year += year < 50 ? 2000 : 1900;
            p += 2;
        } else if (node.tag == 0x18 && node.contentLength() == 15) {
            year = _digits(der, p, 4);
            p += 4;
        } else {
            revert X509InvalidTime(node.start);
        }
        uint256 month = _digits(der, p, 2);
        uint256 day = _digits(der, p + 2, 2);
        uint256 hour = _digits(der, p + 4, 2);
        uint256 minute = _digits(der, p + 6, 2);
        uint256 second = _digits(der, p + 8, 2);
        if (der[p + 10] != "Z" || month == 0 || month > 12 || day == 0 || day > 31 || hour > 23 || minute > 59) {
            revert X509InvalidTime(node.start);
        }
        if (second > 59 || year < 1970) revert X509InvalidTime(node.start);
        return _daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    }

    function _digits(bytes memory der, uint256 offset, uint256 count) private pure returns (uint256 value) {
        for (uint256 i = 0; i < count; ++i) {
            uint8 ch = uint8(der[offset + i]);
            if (ch < 0x30 || ch > 0x39) revert X509InvalidTime(offset);
            value = value * 10 + (ch - 0x30);
        }
    }

    /// @dev Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), for year >= 1970.
    function _daysFromCivil(uint256 year, uint256 month, uint256 day) private pure returns (uint256) {
        if (month <= 2) year -= 1;
        uint256 era = year / 400;
        uint256 yoe = year - era * 400;
        uint256 doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }
}
