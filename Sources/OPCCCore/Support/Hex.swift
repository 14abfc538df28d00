import Crypto
import Foundation

/// Lowercase hexadecimal SHA-256 digests, written by hand because `String(format:)` per byte is slow on Linux and
/// hashing sits on the hot path of every act (the audit chain).
public enum SHA256Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func of(_ text: String) -> String {
        let digest = SHA256.hash(data: Data(text.utf8))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
