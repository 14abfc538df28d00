/// The one check every text a person gives the product passes, by web form, API body, command-line option or file,
/// before it is stored: line breaks made plain, invisible controls refused, and a maximum length by kind of field.
///
/// Browsers send a textarea's line breaks as CRLF and old files use CR, so both become LF first. Then every control
/// character other than LF and tab (NUL, escape, backspace, the C1 controls…) is refused, as are the bidirectional
/// controls U+202A–U+202E and U+2066–U+2069, which can make a published name or a CSV cell read differently from
/// what is stored (a "Trojan Source" reordering). Lengths are counted in Unicode scalars, so that text made of
/// combining marks cannot pass as a few characters; for ordinary text a scalar is a character.
public enum TextField {
    /// What kind of field a text fills, and so its limit.
    public enum Kind: Hashable, Sendable, CaseIterable {
        /// A name or a title (a decision's title, a recipient, a strand's name, a person): one line, 300 characters.
        case name
        /// A short field (a reason, a purpose, a condition, a note): 1,000 characters.
        case short
        /// A long text (an executive summary, a background, an implication, a narrative): 100,000 characters.
        case long

        /// The most characters (Unicode scalars) the field holds.
        public var limit: Int {
            switch self {
            case .name: return 300
            case .short: return 1_000
            case .long: return 100_000
            }
        }

        /// Whether the field may hold line breaks: a name or a title is one line, as it appears in lists and headers.
        public var allowsLineBreaks: Bool { self != .name }
    }

    /// Whether `scalar` is a bidirectional embedding, override or isolate control (U+202A–U+202E, U+2066–U+2069).
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// Whether `scalar` is a C0 or C1 control character or DEL (Unicode category Cc).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// `text` with CRLF and CR made LF, or the refusal naming `field` when it is too long for `kind` or holds a
    /// character refused there.
    public static func normalized(_ text: String, field: String, kind: Kind) throws(TextFieldRefusal) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        var count = 0
        var consumed = 0
        for scalar in text.unicodeScalars {
            consumed += 1
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            let plain: Unicode.Scalar = scalar == "\r" ? "\n" : scalar
            count += 1
            // Checked as it goes, so that a million-character title is refused without copying it whole.
            guard count <= kind.limit else {
                let total = count + normalizedCount(text.unicodeScalars.dropFirst(consumed), afterCR: previousWasCR)
                throw TextFieldRefusal(field: field, reason: .tooLong(characters: total, limit: kind.limit))
            }
            if plain == "\n" {
                guard kind.allowsLineBreaks else {
                    throw TextFieldRefusal(field: field, reason: .lineBreak(position: count))
                }
            } else if plain != "\t" && isControl(plain) {
                throw TextFieldRefusal(field: field, reason: .controlCharacter(plain.value, position: count))
            } else if isBidiControl(plain) {
                throw TextFieldRefusal(field: field, reason: .bidiControl(plain.value, position: count))
            }
            scalars.append(plain)
        }
        return String(scalars)
    }

    /// How many characters `scalars` make once CRLF counts as one: only for the message of a refusal.
    private static func normalizedCount(_ scalars: some Sequence<Unicode.Scalar>, afterCR: Bool) -> Int {
        var count = 0
        var previousWasCR = afterCR
        for scalar in scalars {
            if !(scalar == "\n" && previousWasCR) { count += 1 }
            previousWasCR = scalar == "\r"
        }
        return count
    }
}

/// Why a text was refused: the field it was for and what is wrong, with the position of the offending character
/// (counted from 1, after line breaks are made LF) so that a person can find it.
public struct TextFieldRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The specific fault.
    public enum Reason: Hashable, Sendable {
        /// More characters than the field's kind allows.
        case tooLong(characters: Int, limit: Int)
        /// A control character other than LF and tab (its scalar value).
        case controlCharacter(UInt32, position: Int)
        /// A bidirectional control, which can make text read differently from what is stored.
        case bidiControl(UInt32, position: Int)
        /// A line break in a name or a title, which is one line.
        case lineBreak(position: Int)
    }

    /// The field as the person knows it (`title`, `purpose`, `implications.legal`).
    public let field: String
    /// What is wrong.
    public let reason: Reason

    public init(field: String, reason: Reason) {
        self.field = field
        self.reason = reason
    }

    /// The fault in words, without the field.
    public var problem: String {
        switch reason {
        case .tooLong(let characters, let limit):
            return "is \(grouped(characters)) characters long; the most it may be is \(grouped(limit))"
        case .controlCharacter(let value, let position):
            return "character \(grouped(position)) is the control character \(Self.codePoint(value)), which is not "
                + "accepted (only line breaks and tabs are): remove it"
        case .bidiControl(let value, let position):
            return "character \(grouped(position)) is the bidirectional control \(Self.codePoint(value)), which can "
                + "make text read differently from what is stored: remove it"
        case .lineBreak(let position):
            return "character \(grouped(position)) is a line break, and it must be one line"
        }
    }

    /// Names the field, then says what is wrong.
    public var description: String { "\(field): \(problem)" }

    static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    private func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}
