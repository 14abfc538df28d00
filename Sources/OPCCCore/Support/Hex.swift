import Crypto
import Foundation

/// Lowercase hexadecimal SHA-256 digests, written by hand because `String(format:)` per byte is slow on Linux and
/// hashing sits on the hot path of every act (the audit chain).
public enum SHA256Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func of(_ text: String) -> String {
        hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// Any bytes (a digest, a random secret) as lowercase hexadecimal, two digits a byte.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
