// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {DerLite, DerMalformed, DerUnexpectedTag} from "../../contracts/libraries/DerLite.sol";
import {PemCertificates, PemMalformed} from "../../contracts/libraries/PemCertificates.sol";
import {X509P256, X509InvalidTime, X509UnsupportedAlgorithm} from "../../contracts/libraries/X509P256.sol";
import {TestBase} from "../helpers/Vm.sol";

/// Each way the hand-written DER, X.509 and PEM readers refuse a certificate, one defect at a time: a small P-256
/// certificate is assembled field by field (no signature check happens at this layer), one field is broken, and the
/// test checks the named error and the offset it reports. The fuzz tests in CertificateParsing.t.sol change random
/// bytes of a genuine certificate; these reach the checks a random change rarely reaches.
contract CertificateRejectionsTest is TestBase {
    bytes private constant ECDSA_SHA256 = hex"300a06082a8648ce3d040302";
    bytes private constant P256_KEY = hex"301306072a8648ce3d020106082a8648ce3d030107";
    bytes private constant EXTENSION_OID = hex"06032a0304"; // OID 1.2.3.4
    bytes32 private constant KEY_X = keccak256("key x");
    bytes32 private constant KEY_Y = keccak256("key y");

    /// The fields of a certificate, each a complete DER element (or empty where optional).
    struct Parts {
        bytes version;
        bytes serial;
        bytes tbsAlgorithm;
        bytes issuer;
        bytes validity;
        bytes subject;
        bytes spki;
        bytes trailer; // unique ids and extensions
        bytes algorithm;
        bytes signatureBits;
        bytes afterSignature;
    }

    /// What the tests read of a parsed certificate (the whole struct is too deep for the ABI encoder's stack).
    struct Parsed {
        bytes32 keyX;
        bytes32 keyY;
        bytes32 sigR;
        bytes32 sigS;
        uint256 notBefore;
        uint256 notAfter;
        uint256 serialTag;
        uint256 extensionsTag;
    }

    // External entry points, so that a revert can be caught and its data checked.

    function parse(bytes calldata der) external pure returns (Parsed memory) {
        X509P256.Certificate memory c = X509P256.parse(der);
        return Parsed(c.keyX, c.keyY, c.sigR, c.sigS, c.notBefore, c.notAfter, c.serial.tag, c.extensions.tag);
    }

    function findExtension(bytes calldata der, bytes32 oidHash) external pure returns (bool, DerLite.Node memory) {
        X509P256.Certificate memory c = X509P256.parse(der);
        return X509P256.findExtension(der, c, oidHash);
    }

    function at(bytes calldata der, uint256 offset, uint256 limit) external pure returns (DerLite.Node memory) {
        return DerLite.at(der, offset, limit);
    }

    function expectTag(bytes calldata der, uint256 tag) external pure returns (DerLite.Node memory) {
        return DerLite.expect(der, 0, der.length, tag);
    }

    function contentWord(bytes calldata der) external pure returns (uint256) {
        return DerLite.contentWord(der, DerLite.at(der, 0, der.length));
    }

    function wordAt(bytes calldata der, uint256 offset) external pure returns (bytes32) {
        return DerLite.wordAt(der, DerLite.at(der, 0, der.length), offset);
    }

    function unsignedInteger(bytes calldata der) external pure returns (uint256) {
        return DerLite.unsignedInteger(der, DerLite.at(der, 0, der.length));
    }

    function sha256Element(bytes calldata der) external view returns (bytes32) {
        return DerLite.sha256Element(der, DerLite.at(der, 0, der.length));
    }

    function decode(bytes calldata pem, uint256 count) external pure returns (bytes[] memory) {
        return PemCertificates.decode(pem, count);
    }

    // X509P256.parse: the certificate as a whole

    function test_parse_assembledCertificate() public view {
        Parsed memory c = this.parse(_certificate(_parts()));
        assertTrue(c.keyX == KEY_X && c.keyY == KEY_Y, "key");
        assertEq(uint256(c.sigR), 1, "r");
        assertEq(uint256(c.sigS), 2, "s");
        assertEq(c.notBefore, 1735689600, "notBefore 2025-01-01");
        assertEq(c.notAfter, 2051222400, "notAfter 2035-01-01");
        assertEq(c.extensionsTag, 0x30, "extensions found");
    }

    function test_parse_withoutVersion() public view {
        Parts memory p = _parts();
        p.version = "";
        Parsed memory c = this.parse(_certificate(p));
        assertEq(c.serialTag, 0x02, "serial read first");
    }

    function test_parse_bytesAfterTheCertificate() public view {
        bytes memory der = bytes.concat(_certificate(_parts()), hex"00");
        _expectRevert(der, DerMalformed.selector, der.length - 1);
    }

    function test_parse_serialNotAnInteger() public view {
        Parts memory p = _parts();
        p.serial = _tlv(0x04, hex"1234");
        _expectRevert(_certificate(p), DerMalformed.selector, _tbsStart(p) + p.version.length);
    }

    function test_parse_tbsAlgorithmNotEcdsaSha256() public view {
        Parts memory p = _parts();
        p.tbsAlgorithm = _tlv(0x30, hex"06082a8648ce3d040303"); // ecdsa-with-SHA384
        _expectRevert(
            _certificate(p),
            X509UnsupportedAlgorithm.selector,
            _tbsStart(p) + p.version.length + p.serial.length
        );
    }

    function test_parse_algorithmNotEcdsaSha256() public view {
        Parts memory p = _parts();
        p.algorithm = _tlv(0x30, hex"06082a8648ce3d040303");
        bytes memory der = _certificate(p);
        _expectRevert(der, X509UnsupportedAlgorithm.selector, der.length - p.signatureBits.length - p.algorithm.length);
    }

    function test_parse_elementAfterTheSignature() public view {
        Parts memory p = _parts();
        p.afterSignature = hex"0500";
        bytes memory der = _certificate(p);
        _expectRevert(der, DerMalformed.selector, der.length - 2); // the signature's end
    }

    function test_parse_emptySignatureBits() public view {
        Parts memory p = _parts();
        p.signatureBits = hex"0300";
        bytes memory der = _certificate(p);
        _expectRevert(der, DerMalformed.selector, der.length - 2);
    }

    function test_parse_signatureBitsWithUnusedBits() public view {
        Parts memory p = _parts();
        p.signatureBits = _tlv(0x03, bytes.concat(hex"01", _ecdsaSignature("")));
        bytes memory der = _certificate(p);
        _expectRevert(der, DerMalformed.selector, der.length - p.signatureBits.length);
    }

    function test_parse_bytesAfterTheEcdsaSignature() public view {
        Parts memory p = _parts();
        p.signatureBits = _tlv(0x03, bytes.concat(hex"00", _ecdsaSignature(""), hex"00"));
        bytes memory der = _certificate(p);
        _expectRevert(der, DerMalformed.selector, der.length - 1);
    }

    function test_parse_thirdIntegerInTheEcdsaSignature() public view {
        Parts memory p = _parts();
        p.signatureBits = _tlv(0x03, bytes.concat(hex"00", _ecdsaSignature(hex"020103")));
        bytes memory der = _certificate(p);
        _expectRevert(der, DerMalformed.selector, der.length - 3);
    }

    // X509P256.parse: validity

    function test_parse_validityWithThreeTimes() public view {
        Parts memory p = _parts();
        bytes memory time = _tlv(0x17, "250101000000Z");
        p.validity = _tlv(0x30, bytes.concat(time, time, time));
        _expectRevert(_certificate(p), DerMalformed.selector, _validityStart(p) + 2 + 2 * time.length);
    }

    function test_parse_generalizedTimeAndUtcTimeAcrossCenturies() public view {
        Parts memory p = _parts();
        p.validity = _tlv(0x30, bytes.concat(_tlv(0x17, "491231235959Z"), _tlv(0x18, "20500101000000Z")));
        Parsed memory c = this.parse(_certificate(p));
        assertEq(c.notBefore, 2524607999, "UTCTime 49 is 2049");
        assertEq(c.notAfter, 2524608000, "GeneralizedTime 2050");
    }

    function test_parse_leapDayAndJanuary() public view {
        Parts memory p = _parts();
        p.validity = _tlv(0x30, bytes.concat(_tlv(0x17, "240229120000Z"), _tlv(0x18, "19700101000000Z")));
        Parsed memory c = this.parse(_certificate(p));
        assertEq(c.notBefore, 1709208000, "2024-02-29T12:00:00Z");
        assertEq(c.notAfter, 0, "1970-01-01");
    }

    function test_parse_invalidTimes() public view {
        bytes[13] memory bad = [
            _tlv(0x17, "2501010000Z"), // UTCTime too short
            _tlv(0x18, "250101000000Z"), // GeneralizedTime of UTCTime's length
            _tlv(0x04, "250101000000Z"), // not a time
            _tlv(0x17, "250101000000X"), // no Z
            _tlv(0x17, "251301000000Z"), // month 13
            _tlv(0x17, "250001000000Z"), // month 0
            _tlv(0x17, "250100000000Z"), // day 0
            _tlv(0x17, "250132000000Z"), // day 32
            _tlv(0x17, "250101240000Z"), // hour 24
            _tlv(0x17, "250101006000Z"), // minute 60
            _tlv(0x17, "250101000060Z"), // second 60
            _tlv(0x17, "500101000000Z"), // 1950: before 1970
            _tlv(0x18, "19691231235959Z") // before 1970
        ];
        for (uint256 i = 0; i < bad.length; ++i) {
            Parts memory p = _parts();
            p.validity = _tlv(0x30, bytes.concat(bad[i], _tlv(0x17, "350101000000Z")));
            _expectRevert(_certificate(p), X509InvalidTime.selector, _validityStart(p) + 2);
        }
    }

    function test_parse_nonDigitInTime() public view {
        Parts memory p = _parts();
        p.validity = _tlv(0x30, bytes.concat(_tlv(0x17, "25010100a000Z"), _tlv(0x17, "350101000000Z")));
        // _digits reports the offset of the pair that holds the bad character: the minutes, 8 characters in
        _expectRevert(_certificate(p), X509InvalidTime.selector, _validityStart(p) + 2 + 2 + 8);
    }

    // X509P256.parse: the subject public key

    function test_parse_keyNotP256() public view {
        Parts memory p = _parts();
        p.spki = _tlv(0x30, bytes.concat(_tlv(0x30, hex"06072a8648ce3d0201"), _key(hex"0004", 64)));
        _expectRevert(_certificate(p), X509UnsupportedAlgorithm.selector, _spkiStart(p) + 2);
    }

    function test_parse_keyOfAnotherLength() public view {
        Parts memory p = _parts();
        p.spki = _tlv(0x30, bytes.concat(P256_KEY, _key(hex"0004", 63)));
        _expectRevert(_certificate(p), X509UnsupportedAlgorithm.selector, _spkiStart(p) + 2 + P256_KEY.length);
    }

    function test_parse_compressedKeyOrUnusedBits() public view {
        bytes[2] memory prefixes = [bytes(hex"0003"), bytes(hex"0104")];
        for (uint256 i = 0; i < prefixes.length; ++i) {
            Parts memory p = _parts();
            p.spki = _tlv(0x30, bytes.concat(P256_KEY, _key(prefixes[i], 64)));
            _expectRevert(_certificate(p), X509UnsupportedAlgorithm.selector, _spkiStart(p) + 2 + P256_KEY.length);
        }
    }

    // X509P256.parse: unique ids and extensions

    function test_parse_acceptsUniqueIdsBeforeExtensions() public view {
        Parts memory p = _parts();
        p.trailer = bytes.concat(hex"810100", hex"820100", p.trailer);
        assertEq(this.parse(_certificate(p)).extensionsTag, 0x30, "extensions after unique ids");
    }

    function test_parse_unknownFieldAfterTheKey() public view {
        Parts memory p = _parts();
        p.trailer = hex"a40100";
        _expectRevert(_certificate(p), DerMalformed.selector, _spkiStart(p) + p.spki.length);
    }

    function test_parse_bytesAfterTheExtensionsSequence() public view {
        Parts memory p = _parts();
        bytes memory extensions = _tlv(0x30, _extension(true, _tlv(0x04, hex"3000")));
        p.trailer = _tlv(0xa3, bytes.concat(extensions, hex"0500"));
        // extensions.end: after the [3] header and the SEQUENCE
        _expectRevert(_certificate(p), DerMalformed.selector, _spkiStart(p) + p.spki.length + 2 + extensions.length);
    }

    // X509P256.findExtension

    function test_findExtension_skipsTheCriticalFlag() public view {
        (bool found, DerLite.Node memory value) = this.findExtension(_certificate(_parts()), keccak256(EXTENSION_OID));
        assertTrue(found, "found");
        assertEq(value.tag, 0x04, "OCTET STRING");
        assertEq(value.end - value.contentStart, 2, "its content");
    }

    function test_findExtension_withoutCriticalFlag() public view {
        Parts memory p = _parts();
        p.trailer = _tlv(0xa3, _tlv(0x30, _extension(false, _tlv(0x04, hex"010203"))));
        (bool found, DerLite.Node memory value) = this.findExtension(_certificate(p), keccak256(EXTENSION_OID));
        assertTrue(found, "found");
        assertEq(value.end - value.contentStart, 3, "its content");
    }

    function test_findExtension_absent() public view {
        (bool found, ) = this.findExtension(_certificate(_parts()), keccak256(hex"06032a0305"));
        assertTrue(!found, "another OID is not found");
        Parts memory p = _parts();
        p.trailer = "";
        (found, ) = this.findExtension(_certificate(p), keccak256(EXTENSION_OID));
        assertTrue(!found, "no extensions at all");
    }

    function test_findExtension_valueNotAnOctetString() public view {
        Parts memory p = _parts();
        p.trailer = _tlv(0xa3, _tlv(0x30, _extension(true, _tlv(0x30, ""))));
        bytes memory der = _certificate(p);
        try this.findExtension(der, keccak256(EXTENSION_OID)) {
            revert AssertionFailed("an extension value that is no OCTET STRING was returned", 0, 0);
        } catch (bytes memory err) {
            assertTrue(bytes4(err) == DerMalformed.selector, "DerMalformed");
            // the value is the last two bytes of the tbs: the extensions end the tbs
            assertEq(_firstArgument(err), _tbsStart(p) + _tbsContentLength(p) - 2, "offset of the value");
        }
    }

    // DerLite.at: length forms

    function test_at_lengthForms() public view {
        bytes memory long = bytes.concat(hex"0482012c", new bytes(300));
        DerLite.Node memory node = this.at(long, 0, long.length);
        assertTrue(node.contentStart == 4 && node.end == 304, "two length bytes");
        bytes memory medium = bytes.concat(hex"048180", new bytes(128));
        node = this.at(medium, 0, medium.length);
        assertTrue(node.contentStart == 3 && node.end == 131, "one length byte");
    }

    function test_at_malformedLengths() public view {
        bytes[7] memory bad = [
            bytes(hex"04817f"), // one length byte for a length below 128: not minimal
            bytes(hex"0481"), // the length byte is cut
            bytes(hex"048200ff"), // two length bytes for a length below 256: not minimal
            bytes(hex"048201"), // the second length byte is cut
            bytes(hex"0480"), // indefinite length (BER)
            bytes(hex"0483000001"), // three length bytes
            bytes(hex"040300") // content past the end
        ];
        for (uint256 i = 0; i < bad.length; ++i) {
            try this.at(bad[i], 0, bad[i].length) {
                revert AssertionFailed("a malformed length was read", i, 0);
            } catch (bytes memory err) {
                assertTrue(bytes4(err) == DerMalformed.selector, "DerMalformed");
                assertEq(_firstArgument(err), 0, "offset of the element");
            }
        }
    }

    function test_expect_otherTag() public {
        vm.expectRevert(abi.encodeWithSelector(DerUnexpectedTag.selector, 0, 0x30, 0x04));
        this.expectTag(hex"0400", 0x30);
    }

    // DerLite.contentWord, wordAt, unsignedInteger, sha256Element

    function test_contentWord_sizes() public {
        assertEq(this.contentWord(hex"0400"), 0, "empty content");
        assertEq(this.contentWord(hex"0403010203"), 0x010203, "three bytes");
        bytes32 full = keccak256("full");
        assertEq(this.contentWord(bytes.concat(hex"0420", full)), uint256(full), "32 bytes");
        vm.expectRevert(abi.encodeWithSelector(DerMalformed.selector, 0));
        this.contentWord(bytes.concat(hex"0421", new bytes(33)));
    }

    function test_wordAt_outsideTheContent() public {
        bytes32 word = keccak256("word");
        bytes memory der = bytes.concat(hex"0420", word);
        assertTrue(this.wordAt(der, 2) == word, "the content's word");
        vm.expectRevert(abi.encodeWithSelector(DerMalformed.selector, 0));
        this.wordAt(der, 1); // starts in the header
        vm.expectRevert(abi.encodeWithSelector(DerMalformed.selector, 0));
        this.wordAt(der, 3); // ends past the content
    }

    function test_unsignedInteger_forms() public {
        assertEq(this.unsignedInteger(hex"02017f"), 0x7f, "one byte");
        assertEq(
            this.unsignedInteger(bytes.concat(hex"022100", bytes32(type(uint256).max))),
            type(uint256).max,
            "33 bytes: a zero before a high bit"
        );
        vm.expectRevert(abi.encodeWithSelector(DerUnexpectedTag.selector, 0, 0x02, 0x04));
        this.unsignedInteger(hex"04017f");
        vm.expectRevert(abi.encodeWithSelector(DerMalformed.selector, 0));
        this.unsignedInteger(hex"0200"); // empty
        vm.expectRevert(abi.encodeWithSelector(DerMalformed.selector, 0));
        this.unsignedInteger(hex"020180"); // negative
        vm.expectRevert(abi.encodeWithSelector(DerMalformed.selector, 0));
        this.unsignedInteger(bytes.concat(hex"022101", bytes32(0))); // 33 bytes, the first not zero
    }

    function test_sha256Element_hashesTheWholeElement() public view {
        bytes memory der = hex"0403010203";
        assertTrue(this.sha256Element(der) == sha256(der), "sha256 of tag, length and content");
    }

    // PemCertificates.decode: what follows the chain

    function test_decode_threeCertificatesThenSpace() public view {
        bytes memory pem = bytes.concat(_pem("AAEC"), _pem("AwQF"), _pem("BgcI"), "\n\x00");
        bytes[] memory certificates = this.decode(pem, 3);
        assertTrue(keccak256(certificates[0]) == keccak256(hex"000102"), "first");
        assertTrue(keccak256(certificates[2]) == keccak256(hex"060708"), "third");
    }

    function test_decode_textAfterTheChain() public {
        bytes memory chain = bytes.concat(_pem("AAEC"), _pem("AwQF"), _pem("BgcI"));
        vm.expectRevert(abi.encodeWithSelector(PemMalformed.selector, chain.length + 1));
        this.decode(bytes.concat(chain, " x"), 3);
        // a fourth certificate where three are expected
        vm.expectRevert(abi.encodeWithSelector(PemMalformed.selector, chain.length));
        this.decode(bytes.concat(chain, _pem("CQoL")), 3);
    }

    // Assembling certificates

    function _parts() private pure returns (Parts memory p) {
        p.version = _tlv(0xa0, _tlv(0x02, hex"02"));
        p.serial = _tlv(0x02, hex"1234");
        p.tbsAlgorithm = ECDSA_SHA256;
        p.issuer = _tlv(0x30, _tlv(0x0c, "issuer"));
        p.validity = _tlv(0x30, bytes.concat(_tlv(0x17, "250101000000Z"), _tlv(0x17, "350101000000Z")));
        p.subject = _tlv(0x30, _tlv(0x0c, "subject"));
        p.spki = _tlv(0x30, bytes.concat(P256_KEY, _key(hex"0004", 64)));
        p.trailer = _tlv(0xa3, _tlv(0x30, _extension(true, _tlv(0x04, hex"3000"))));
        p.algorithm = ECDSA_SHA256;
        p.signatureBits = _tlv(0x03, bytes.concat(hex"00", _ecdsaSignature("")));
        p.afterSignature = "";
    }

    function _tbs(Parts memory p) private pure returns (bytes memory) {
        // two concatenations: eight dynamic arguments at once are too deep for the encoder's stack
        bytes memory head = bytes.concat(p.version, p.serial, p.tbsAlgorithm, p.issuer);
        return _tlv(0x30, bytes.concat(head, p.validity, p.subject, p.spki, p.trailer));
    }

    function _certificate(Parts memory p) private pure returns (bytes memory) {
        return _tlv(0x30, bytes.concat(_tbs(p), p.algorithm, p.signatureBits, p.afterSignature));
    }

    /// Offset of the tbs content: after the certificate's and the tbs's headers.
    function _tbsStart(Parts memory p) private pure returns (uint256) {
        uint256 outer = _tbs(p).length + p.algorithm.length + p.signatureBits.length + p.afterSignature.length;
        return _headerLength(outer) + _headerLength(_tbsContentLength(p));
    }

    function _tbsContentLength(Parts memory p) private pure returns (uint256) {
        return
            p.version.length +
            p.serial.length +
            p.tbsAlgorithm.length +
            p.issuer.length +
            p.validity.length +
            p.subject.length +
            p.spki.length +
            p.trailer.length;
    }

    function _validityStart(Parts memory p) private pure returns (uint256) {
        return _tbsStart(p) + p.version.length + p.serial.length + p.tbsAlgorithm.length + p.issuer.length;
    }

    function _spkiStart(Parts memory p) private pure returns (uint256) {
        return _validityStart(p) + p.validity.length + p.subject.length;
    }

    function _key(bytes memory prefix, uint256 size) private pure returns (bytes memory) {
        bytes memory coordinates = bytes.concat(KEY_X, KEY_Y);
        bytes memory key = new bytes(size);
        for (uint256 i = 0; i < size; ++i) key[i] = coordinates[i];
        return _tlv(0x03, bytes.concat(prefix, key));
    }

    function _ecdsaSignature(bytes memory extra) private pure returns (bytes memory) {
        return _tlv(0x30, bytes.concat(hex"020101", hex"020102", extra));
    }

    function _extension(bool critical, bytes memory value) private pure returns (bytes memory) {
        return _tlv(0x30, bytes.concat(EXTENSION_OID, critical ? bytes(hex"0101ff") : bytes(""), value));
    }

    function _pem(string memory base64) private pure returns (bytes memory) {
        return bytes.concat("-----BEGIN CERTIFICATE-----\n", bytes(base64), "\n-----END CERTIFICATE-----\n");
    }

    function _tlv(uint8 tag, bytes memory content) private pure returns (bytes memory) {
        uint256 n = content.length;
        if (n < 0x80) return bytes.concat(bytes1(tag), bytes1(uint8(n)), content);
        if (n < 0x100) return bytes.concat(bytes1(tag), hex"81", bytes1(uint8(n)), content);
        return bytes.concat(bytes1(tag), hex"82", bytes2(uint16(n)), content);
    }

    function _headerLength(uint256 contentLength) private pure returns (uint256) {
        return
            contentLength < 0x80
                ? 2
                : contentLength < 0x100
                    ? 3
                    : 4;
    }

    function _expectRevert(bytes memory der, bytes4 selector, uint256 offset) private view {
        try this.parse(der) {
            revert AssertionFailed("a broken certificate parsed", offset, 0);
        } catch (bytes memory err) {
            assertEq(uint32(bytes4(err)), uint32(selector), "the named error");
            assertEq(_firstArgument(err), offset, "the offset it reports");
        }
    }

    function _firstArgument(bytes memory err) private pure returns (uint256 value) {
        if (err.length < 36) revert AssertionFailed("revert data without an argument", err.length, 36);
        for (uint256 i = 4; i < 36; ++i) value = (value << 8) | uint8(err[i]);
    }
}
