/// What a person typed into a search box (the register's search, `opcc decision list --search`, the API's
/// `search`), read as text and never as a query language: `014/2016`, `"Mire`, `NOT`, `NEAR(a b` and `*` are words
/// and punctuation like any other.
///
/// The text is split into words: runs of Unicode letters and digits (with any combining marks among them, so `é`
/// written as `e` and an accent stays one word). Everything else separates words, and nothing is an operator. A
/// record matches when every word starts a word of its Part 1 text (`mire` finds Mirehouse). Text with no words at
/// all (blank, or only punctuation such as `*` or `/`) searches for nothing in particular, so it filters nothing
/// out: the same as an empty search box.
///
/// Text that reads as a decision number in an office's form, in any spelling the office accepts (`44/2020` for
/// `044/2020`, either case, spaces around the separators), also finds that record: see `decisionNumber(in:)`.
public struct SearchText: Hashable, Sendable {
    /// The text as typed.
    public let typed: String
    /// The words, in the order typed, as typed (case is not changed here: matching ignores it).
    public let words: [String]

    public init(_ typed: String) {
        self.typed = typed
        self.words = Self.words(of: typed)
    }

    /// True when the text has no words: it filters nothing out.
    public var isEmpty: Bool { words.isEmpty }

    /// Whether the text could spell a decision number in any office's form: every number holds its sequence in ASCII
    /// digits (`NumberingTemplate` reads no other digit), so a text without one spells none, and the register's
    /// search need not read the offices' numbering to know it.
    public var mayBeADecisionNumber: Bool { typed.utf8.contains { $0 >= 0x30 && $0 <= 0x39 } }

    /// The number the whole text spells in `template`'s form, leading zeros, case and spaces as a person might type
    /// them; nil when it is not a number of that form.
    public func decisionNumber(in template: NumberingTemplate) -> DecisionNumber? {
        template.parseAsTyped(typed)
    }

    /// Runs of letters, digits and marks that hold at least one letter or digit. Read by Unicode scalar, not by
    /// character: one character can join a letter to a combining mark, which belongs to the word, but also to a
    /// format control such as a zero-width joiner or a bidi mark, which does not.
    static func words(of text: String) -> [String] {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var hasLetterOrDigit = false
        func finish() {
            if hasLetterOrDigit { words.append(String(word)) }
            word = String.UnicodeScalarView()
            hasLetterOrDigit = false
        }
        for scalar in text.unicodeScalars {
            switch Kind(scalar) {
            case .letterOrDigit:
                word.append(scalar)
                hasLetterOrDigit = true
            case .mark:
                word.append(scalar)
            case .separator:
                finish()
            }
        }
        finish()
        return words
    }

    private enum Kind {
        case letterOrDigit, mark, separator

        init(_ scalar: Unicode.Scalar) {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .decimalNumber, .letterNumber, .otherNumber:
                self = .letterOrDigit
            case .nonspacingMark, .spacingMark, .enclosingMark:
                self = .mark
            default:
                self = .separator
            }
        }
    }
}
