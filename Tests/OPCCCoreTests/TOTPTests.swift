import Foundation
import PropertyBased
import Testing

@testable import OPCCCore

/// RFC 6238's and RFC 4226's own test vectors, and the rules the second factor rests on.
@Suite("TOTP: RFC 6238 one-time codes and RFC 4648 base 32")
struct TOTPTests {
    /// RFC 6238 appendix B's seed for HMAC-SHA-1: the ASCII digits 1234567890 twice.
    static let rfcSecret = Array("12345678901234567890".utf8)

    @Test(
        "RFC 6238 appendix B, SHA-1, eight digits",
        arguments: [
            (Int64(59), "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
        ])
    func rfc6238Vectors(time: Int64, expected: String) {
        #expect(TOTP.code(secret: Self.rfcSecret, step: TOTP.step(at: time), digits: 8) == expected)
    }

    @Test("RFC 4226 appendix D, counters 0 to 9, six digits")
    func rfc4226Vectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489",
        ]
        for (counter, code) in expected.enumerated() {
            #expect(TOTP.code(secret: Self.rfcSecret, step: Int64(counter)) == code)
        }
    }

    @Test("a code is accepted one step either side of now, and not two")
    func windowOfOneStep() {
        let now: Int64 = 1_111_111_111
        let step = TOTP.step(at: now)
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = TOTP.code(secret: Self.rfcSecret, step: step + Int64(offset))
            let found = TOTP.matchingStep(code, secret: Self.rfcSecret, at: now, after: nil)
            #expect((found != nil) == accepted, "offset \(offset)")
            if accepted { #expect(found == step + Int64(offset)) }
        }
    }

    @Test("second-factor-code-used-once: a code at or before the last step used is refused")
    func codeUsedOnce() {
        let now: Int64 = 1_234_567_890
        let step = TOTP.step(at: now)
        let code = TOTP.code(secret: Self.rfcSecret, step: step)
        #expect(TOTP.matchingStep(code, secret: Self.rfcSecret, at: now, after: step - 1) == step)
        #expect(TOTP.matchingStep(code, secret: Self.rfcSecret, at: now, after: step) == nil)
        let earlier = TOTP.code(secret: Self.rfcSecret, step: step - 1)
        #expect(TOTP.matchingStep(earlier, secret: Self.rfcSecret, at: now, after: step) == nil)
    }

    @Test("spaces and a hyphen in a typed code are ignored; other text is no code")
    func typedForms() {
        let now: Int64 = 59
        let code = TOTP.code(secret: Self.rfcSecret, step: TOTP.step(at: now))
        let spaced = code.prefix(3) + " " + code.suffix(3)
        #expect(TOTP.matchingStep(String(spaced), secret: Self.rfcSecret, at: now, after: nil) != nil)
        for typed in ["", "12345", "1234567", "abcdef", "２８７０８２", "28708２", "287 08"] {
            #expect(TOTP.matchingStep(typed, secret: Self.rfcSecret, at: 30, after: nil) == nil, "\(typed)")
        }
    }

    @Test("steps before 1970 round down", arguments: [(Int64(-1), Int64(-1)), (-30, -1), (-31, -2), (0, 0), (29, 0)])
    func negativeTimes(time: Int64, step: Int64) {
        #expect(TOTP.step(at: time) == step)
    }

    @Test(
        "RFC 4648 section 10 vectors, without padding",
        arguments: [
            ("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ])
    func base32Vectors(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(Base32.decode(encoded) == Array(plain.utf8))
        #expect(Base32.decode(encoded.lowercased() + "======") == Array(plain.utf8))
    }

    @Test("the otpauth link names issuer and account, escaped, with the secret in base 32")
    func provisioningLink() {
        let uri = TOTP.provisioningURI(secret: Self.rfcSecret, account: "cumbria.officer", issuer: "OPCC Cumbria & Co")
        #expect(
            uri == "otpauth://totp/OPCC%20Cumbria%20%26%20Co:cumbria.officer?secret="
                + "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=OPCC%20Cumbria%20%26%20Co&algorithm=SHA1&digits=6&period=30")
    }

    @Test("base 32 round-trips any bytes")
    func base32RoundTrip() async {
        await propertyCheck(count: 500, input: Gen<UInt8>.value(in: 0...255).array(of: 0...64)) { bytes in
            #expect(Base32.decode(Base32.encode(bytes)) == bytes)
        }
    }

    @Test("arbitrary Unicode typed as a code or a secret is refused or read, never a crash")
    func hostileTyping() async {
        await propertyCheck(count: 1_000, input: HostileText.text) { typed in
            #expect(TOTP.matchingStep(typed, secret: Self.rfcSecret, at: 59, after: nil) == nil || typed.count >= 6)
            if let bytes = Base32.decode(typed) {
                #expect(typed.unicodeScalars.allSatisfy { $0.isASCII })
                _ = bytes
            }
        }
    }
}
