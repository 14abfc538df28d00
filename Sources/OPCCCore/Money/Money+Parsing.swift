// MARK: - Parsing

/// Why a text is not an amount of money. The description quotes the text, says what is wrong and shows the
/// accepted form, so that a person correcting a form or a file knows exactly what to write.
public struct MoneyParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The specific fault found in the text.
    public enum Reason: Hashable, Sendable {
        /// Nothing but whitespace (or only a pound sign).
        case empty
        /// A suffix such as "k", "m" or "bn" after the number.
        case suffix(String)
        /// Not exactly two digits after the point (the count found).
        case decimalPlaces(Int)
        /// Commas not between groups of exactly three digits in the pounds.
        case badGrouping
        /// A minus sign: money is never negative.
        case negative
        /// The amount is above `Money.ceiling` (£10,000,000,000.00), however many digits it has.
        case aboveCeiling
        /// More than one pound sign.
        case multiplePoundSigns
        /// A pound sign anywhere but at the start.
        case misplacedPoundSign
        /// Whitespace inside the amount.
        case spaceInside
        /// Digits other than ASCII 0–9 (e.g. Arabic-Indic or full-width digits).
        case nonASCIIDigit
        /// More than one decimal point.
        case multiplePoints
        /// A point with no pounds before it, e.g. ".50".
        case missingPounds
        /// Any other character that has no place in an amount.
        case unexpectedCharacter(Character)
    }

    /// The text exactly as given.
    public let text: String
    /// What is wrong with it.
    public let reason: Reason

    /// Creates an error for `text` with the fault `reason`.
    public init(text: String, reason: Reason) {
        self.text = text
        self.reason = reason
    }

    /// The accepted form, repeated in every message.
    static let acceptedForm =
        "write pounds and pence like £1,234.56 or 1234.56 (commas only between groups "
        + "of three digits, exactly two digits after the point, no suffixes such as k or m)"

    /// The fault in words.
    public var problem: String {
        switch reason {
        case .empty:
            return "there is no amount"
        case .suffix(let suffix):
            return "it ends in '\(suffix)', and suffixes are not accepted"
        case .decimalPlaces(0):
            return "there are no digits after the point"
        case .decimalPlaces(1):
            return "there is only one digit after the point (write £1.50, not £1.5)"
        case .decimalPlaces(3):
            return "there are three digits after the point, which could be a thousands separator"
        case .decimalPlaces(let count):
            return "there are \(count) digits after the point"
        case .badGrouping:
            return "its commas are not between groups of three digits, so a comma could be a decimal comma"
        case .negative:
            return "it is negative, and an amount of money here is never below zero"
        case .aboveCeiling:
            return "it is above \(Money.ceiling), the largest amount accepted"
        case .multiplePoundSigns:
            return "it has more than one pound sign"
        case .misplacedPoundSign:
            return "the pound sign is not at the start"
        case .spaceInside:
            return "it has a space inside it"
        case .nonASCIIDigit:
            return "it has digits other than 0 to 9"
        case .multiplePoints:
            return "it has more than one decimal point"
        case .missingPounds:
            return "there are no pounds before the point (write £0.50, not £.50)"
        case .unexpectedCharacter(let character):
            return "it contains '\(character)'"
        }
    }

    /// Quotes the text, says what is wrong and says what form is accepted.
    public var description: String {
        "'\(text)' is not an amount of money (\(problem)): \(MoneyParseError.acceptedForm)"
    }
}

extension Money {
    /// Parses an amount as people write it in the UK: "£1,234.56", "£100,000", "1234.56", "£0.50", "£5".
    ///
    /// Accepted: optional surrounding whitespace; an optional leading "£"; pounds written either as plain digits or
    /// with commas between correctly grouped thousands ("1,234,567"); an optional point followed by exactly two
    /// digits. Everything else is refused rather than guessed at, because a misread amount in a grant is worse
    /// than a question: suffixes ("£6.5k"), three decimals ("£1.234"), odd grouping ("12,34"), one decimal
    /// ("£1.5"), signs, inner spaces, non-ASCII digits and amounts above `Money.ceiling`.
    public init(parsing text: String) throws(MoneyParseError) {
        func fail(_ reason: MoneyParseError.Reason) -> MoneyParseError {
            MoneyParseError(text: text, reason: reason)
        }

        var characters = Substring(text)
        while let first = characters.first, first.isWhitespace { characters.removeFirst() }
        while let last = characters.last, last.isWhitespace { characters.removeLast() }
        guard !characters.isEmpty else { throw fail(.empty) }

        let minusSigns: Set<Character> = ["-", "\u{2212}", "\u{2013}"]
        if let first = characters.first, minusSigns.contains(first) { throw fail(.negative) }
        let poundCount = characters.count(where: { $0 == "£" })
        if poundCount > 1 { throw fail(.multiplePoundSigns) }
        if poundCount == 1 {
            guard characters.first == "£" else { throw fail(.misplacedPoundSign) }
            characters.removeFirst()
        }
        guard !characters.isEmpty else { throw fail(.empty) }
        if let first = characters.first, minusSigns.contains(first) { throw fail(.negative) }
        if characters.contains(where: \.isWhitespace) { throw fail(.spaceInside) }
        if characters.contains(where: { $0.isNumber && !$0.isASCII }) { throw fail(.nonASCIIDigit) }
        if let last = characters.last, last.isLetter {
            let suffix = characters.reversed().prefix(while: \.isLetter).reversed()
            throw fail(.suffix(String(suffix)))
        }
        let allowed: Set<Character> = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ",", "."]
        if let bad = characters.first(where: { !allowed.contains($0) }) { throw fail(.unexpectedCharacter(bad)) }

        let parts = characters.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw fail(.multiplePoints) }
        let poundsText = parts[0]
        guard !poundsText.isEmpty else { throw fail(.missingPounds) }

        var pennies: Int64 = 0
        if parts.count == 2 {
            let decimals = parts[1]
            if decimals.contains(",") { throw fail(.badGrouping) }
            guard decimals.count == 2 else { throw fail(.decimalPlaces(decimals.count)) }
            for digit in decimals { pennies = pennies * 10 + Int64(digit.asciiValue! - 48) }
        }

        if poundsText.contains(",") {
            let groups = poundsText.split(separator: ",", omittingEmptySubsequences: false)
            guard let head = groups.first, (1...3).contains(head.count), head.first != "0",
                groups.dropFirst().allSatisfy({ $0.count == 3 })
            else { throw fail(.badGrouping) }
        }

        var pounds: Int64 = 0
        for digit in poundsText where digit != "," {
            let (shifted, overflowA) = pounds.multipliedReportingOverflow(by: 10)
            let (next, overflowB) = shifted.addingReportingOverflow(Int64(digit.asciiValue! - 48))
            guard !overflowA, !overflowB else { throw fail(.aboveCeiling) }
            pounds = next
        }
        let (inPence, overflowC) = pounds.multipliedReportingOverflow(by: 100)
        let (total, overflowD) = inPence.addingReportingOverflow(pennies)
        guard !overflowC, !overflowD, total <= Money.ceiling.pence else { throw fail(.aboveCeiling) }
        self.pence = total
    }
}

// MARK: - Coding

extension CodingUserInfoKey {
    /// Set to `true` by a decoder that reads what the product itself stored, so that an amount above
    /// `Money.ceiling` written by an older version still reads (and can be corrected); every other decoder (files,
    /// request bodies) refuses it.
    public static let moneyReadsStoredData = CodingUserInfoKey(rawValue: "opcc.money.readsStoredData")!
}

extension Money: Codable {
    /// Decodes an integer number of pence (as stored), or text in pounds as a person writes it in a file
    /// ("£25,000", "25000.00"), parsed by the same rules as `init(parsing:)`. Above `Money.ceiling` it is refused,
    /// unless the decoder reads stored data (`CodingUserInfoKey.moneyReadsStoredData`).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self), Int64(text) == nil {
            do { self = try Money(parsing: text) } catch {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
            }
            return
        }
        let value = try container.decode(Int64.self)
        guard value >= 0 else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\(value) pence is negative, and an amount of money is never negative")
        }
        guard value <= Money.ceiling.pence || decoder.userInfo[.moneyReadsStoredData] as? Bool == true else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "\(value) pence is above \(Money.ceiling), the largest amount accepted")
        }
        self.pence = value
    }

    /// Encodes the amount as an integer number of pence.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(pence)
    }
}
