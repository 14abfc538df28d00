import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238) as authenticator apps make them: HMAC-SHA-1 of the number of 30-second
/// steps since the Unix epoch, truncated (RFC 4226 §5.3) to six digits. Pure: the time and the secret are given.
public enum TOTP {
    /// Seconds per step (RFC 6238's default, which every authenticator app uses).
    public static let period: Int64 = 30
    /// Digits in a code.
    public static let digits = 6
    /// Bytes of a new secret: 160 bits, RFC 4226's recommended length.
    public static let secretBytes = 20

    /// The step `unixSeconds` falls in.
    public static func step(at unixSeconds: Int64) -> Int64 {
        unixSeconds >= 0 ? unixSeconds / period : (unixSeconds - period + 1) / period
    }

    /// The code for `step`, `digits` long with leading zeros (RFC 4226's HOTP with the step as the counter).
    public static func code(secret: [UInt8], step: Int64, digits: Int = TOTP.digits) -> String {
        var counter = UInt64(bitPattern: step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary =
            (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8)
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(binary % modulus)
        return String(repeating: "0", count: max(0, digits - number.count)) + number
    }

    /// The step whose code `typed` is, looking one step either side of now (a phone's clock a little off, a code typed
    /// as it changed), or nil. A step at or before `usedStep` is never accepted again: each code works once.
    /// Spaces and hyphens in what was typed are ignored ("123 456").
    public static func matchingStep(
        _ typed: String, secret: [UInt8], at unixSeconds: Int64, after usedStep: Int64?, window: Int64 = 1
    ) -> Int64? {
        let cleaned = typed.filter { $0 != " " && $0 != "-" }
        guard cleaned.utf8.count == digits, cleaned.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let now = step(at: unixSeconds)
        for candidate in (now - window)...(now + window) where candidate > (usedStep ?? Int64.min) {
            if constantTimeEquals(code(secret: secret, step: candidate), cleaned) { return candidate }
        }
        return nil
    }

    /// The `otpauth://` link authenticator apps read (as a QR code, or tapped on the phone itself).
    public static func provisioningURI(secret: [UInt8], account: String, issuer: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        func escaped(_ text: String) -> String {
            text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        }
        let label = escaped(issuer) + ":" + escaped(account)
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(escaped(issuer))"
            + "&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }

    private static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in x.indices { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

/// RFC 4648 base 32 (A–Z, 2–7), the alphabet authenticator apps take secrets in. Encoding leaves out the `=` padding,
/// as the `otpauth://` format asks; decoding accepts either case, spaces and padding, and refuses anything else.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil when it holds a character outside the alphabet.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for unit in text.utf8 where unit != 32 && unit != 61 {
            let value: UInt32
            switch unit {
            case 65...90: value = UInt32(unit - 65)
            case 97...122: value = UInt32(unit - 97)
            case 50...55: value = UInt32(unit - 50 + 26)
            default: return nil
            }
            buffer = (buffer << 5) | value
            bits += 5
            if bits >= 8 {
                out.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return out
    }
}

/// What a second-factor challenge lets its holder do: finish signing in, or set a factor up first (the office
/// requires one for a role the person holds and they have none).
public enum SecondFactorChallengePurpose: String, Sendable, Hashable {
    case signIn = "sign-in"
    case setUp = "set-up"
}
