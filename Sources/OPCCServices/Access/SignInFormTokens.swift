import Crypto
import Foundation
import OPCCCore

/// The token the sign-in form carries before anyone has signed in, so without a session to hold it: the form's
/// expiry and an HMAC-SHA256 of that expiry and the browser's sign-in nonce (a random cookie the server does not
/// store), under a key kept in the database so that every server process accepts the forms of the others. Another
/// site cannot post a sign-in (signing its visitor in as someone else): it can neither read our nonce cookie nor
/// make the MAC. The token is 80 hex digits: 16 of expiry (milliseconds since 1970) and 64 of MAC.
public struct SignInFormTokens: Sendable {
    /// The key's bytes (a `SymmetricKey` is made for each use: swift-crypto's is not `Sendable` on every platform).
    let keyBytes: [UInt8]
    public let lifetimeSeconds: Int

    public init(keyHex: String, lifetimeSeconds: Int = 60 * 60) {
        self.keyBytes = Self.bytes(hex: keyHex) ?? Array(keyHex.utf8)
        self.lifetimeSeconds = lifetimeSeconds
    }

    /// A token for the form shown now to the browser holding `nonce`.
    public func token(for nonce: String, at now: Date) -> String {
        let expiryMs = UInt64(max(0, Self.milliseconds(now) + Int64(lifetimeSeconds) * 1000))
        let expiry = String(expiryMs, radix: 16)
        let padded = String(repeating: "0", count: 16 - expiry.count) + expiry
        return padded + SHA256Hex.hex(mac(expiry: padded, nonce: nonce))
    }

    /// Whether `token` was made by this key for `nonce` and has not expired.
    public func isValid(_ token: String, for nonce: String, at now: Date) -> Bool {
        guard token.utf8.count == 80, !nonce.isEmpty, let bytes = Self.bytes(hex: token) else { return false }
        let expiry = String(token.prefix(16))
        guard let expiryMs = UInt64(expiry, radix: 16) else { return false }
        let nowMs = Self.milliseconds(now)
        guard Int64(clamping: expiryMs) > nowMs, Int64(clamping: expiryMs) <= nowMs + Int64(lifetimeSeconds) * 1000
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            Array(bytes.dropFirst(8)), authenticating: message(expiry: expiry, nonce: nonce),
            using: SymmetricKey(data: keyBytes))
    }

    private func mac(expiry: String, nonce: String) -> [UInt8] {
        Array(
            HMAC<SHA256>.authenticationCode(
                for: message(expiry: expiry, nonce: nonce), using: SymmetricKey(data: keyBytes)))
    }

    private func message(expiry: String, nonce: String) -> Data {
        Data("opcc sign-in form\n\(expiry)\n\(nonce)".utf8)
    }

    static func milliseconds(_ instant: Date) -> Int64 {
        Int64((instant.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Lowercase hex as bytes, or nil for anything else (odd length, another character).
    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let high = value(digits[i]), let low = value(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }
}
