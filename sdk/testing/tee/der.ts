/**
 * A minimal DER encoder: just what the enclave simulator needs to write X.509 certificates of P-256 keys and Intel's
 * SGX extension byte for byte (so tests can tamper with exact fields). Hand-written because the certificates must be
 * deterministic and field-addressable; `@peculiar/x509` parses them in the tests as a cross-check.
 */
import { concatBytes } from "@noble/curves/utils.js";

/** One DER element: tag, definite length (minimal form), content. */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  return concatBytes(Uint8Array.of(tag), derLength(body.length), body);
}

function derLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length < 0x100) return Uint8Array.of(0x81, length);
  if (length < 0x10000) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  throw new Error(`DER element too long: ${length} bytes`);
}

/** SEQUENCE */
export const sequence = (...content: Uint8Array[]): Uint8Array => tlv(0x30, ...content);
/** SET */
export const set = (...content: Uint8Array[]): Uint8Array => tlv(0x31, ...content);
/** OCTET STRING */
export const octetString = (content: Uint8Array): Uint8Array => tlv(0x04, content);
/** BIT STRING with no unused bits */
export const bitString = (content: Uint8Array): Uint8Array => tlv(0x03, Uint8Array.of(0), content);
/** BOOLEAN */
export const boolean = (value: boolean): Uint8Array => tlv(0x01, Uint8Array.of(value ? 0xff : 0));
/** ENUMERATED (small non-negative values) */
export const enumerated = (value: number): Uint8Array => tlv(0x0a, Uint8Array.of(value));
/** UTF8String */
export const utf8String = (value: string): Uint8Array => tlv(0x0c, new TextEncoder().encode(value));
/** Context-specific constructed tag [n] */
export const explicit = (n: number, ...content: Uint8Array[]): Uint8Array => tlv(0xa0 + n, ...content);

/** A non-negative INTEGER in minimal two's-complement form. */
export function integer(value: bigint): Uint8Array {
  if (value < 0n) throw new Error("only non-negative integers are supported");
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Uint8Array.from(Buffer.from(hex, "hex"));
  if (bytes[0] >= 0x80) bytes = concatBytes(Uint8Array.of(0), bytes);
  return tlv(0x02, bytes);
}

/** An OBJECT IDENTIFIER from its dotted form. */
export function objectId(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map((arc) => BigInt(arc));
  if (arcs.length < 2) throw new Error(`not an OID: ${dotted}`);
  const out: number[] = [Number(arcs[0] * 40n + arcs[1])];
  for (const arc of arcs.slice(2)) {
    const groups: number[] = [];
    let rest = arc;
    do {
      groups.unshift(Number(rest & 0x7fn));
      rest >>= 7n;
    } while (rest > 0n);
    for (let i = 0; i < groups.length - 1; i++) groups[i] |= 0x80;
    out.push(...groups);
  }
  return tlv(0x06, Uint8Array.from(out));
}

/** UTCTime for years 1950-2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, "");
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(0x17, new TextEncoder().encode(`${digits.slice(2)}Z`));
  return tlv(0x18, new TextEncoder().encode(`${digits}Z`));
}

/** PEM text of a DER certificate, 64 base64 characters a line. */
export function pemCertificate(der: Uint8Array): string {
  const lines =
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----\n`;
}
