/// A person's email address, checked for form when it is recorded, so that nothing a relay or a header could
/// misread (a line break, a second `@`, a space) is ever stored or sent. It is a form check, not a proof that the
/// address receives mail: a wrong address shows as a failed notification.
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    public let text: String

    /// The longest address SMTP carries (RFC 5321's path limit less its angle brackets).
    public static let maximumLength = 254

    /// Why a text is not an address; each names the problem so the person typing it can fix it.
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        case empty
        case tooLong(characters: Int)
        /// A space, tab, line break or other control character (never allowed: a line break would end a mail header).
        case spaceOrControlCharacter
        case atSignCount(Int)
        case emptyLocalPart
        /// The part after `@` is not a dotted domain (`example.org`): no dot, or an empty label.
        case domainNotDotted

        public var description: String {
            switch self {
            case .empty: return "the email address is empty"
            case .tooLong(let characters):
                return "the email address is \(characters) characters long; the most is \(EmailAddress.maximumLength)"
            case .spaceOrControlCharacter:
                return "the email address holds a space, a line break or another control character"
            case .atSignCount(let count):
                return "an email address has exactly one '@'; this one has \(count)"
            case .emptyLocalPart: return "the email address has nothing before the '@'"
            case .domainNotDotted:
                return "the part after '@' must be a dotted domain with no empty part, such as example.org"
            }
        }
    }

    /// Checks `text` as typed (surrounding spaces are the caller's to trim).
    public init(_ text: String) throws(Problem) {
        guard !text.isEmpty else { throw .empty }
        let scalars = text.unicodeScalars
        guard scalars.count <= Self.maximumLength else { throw .tooLong(characters: scalars.count) }
        guard
            !scalars.contains(where: {
                $0.properties.generalCategory == .control || $0.properties.isWhitespace
                    || $0.properties.generalCategory == .format || $0 == "\u{2028}" || $0 == "\u{2029}"
            })
        else { throw .spaceOrControlCharacter }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .atSignCount(parts.count - 1) }
        guard !parts[0].isEmpty else { throw .emptyLocalPart }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else { throw .domainNotDotted }
        self.text = text
    }

    public var description: String { text }
}
