/// A share of a whole between 0% and 100%, kept as whole basis points (100 basis points = 1%) so that shares are
/// compared and added exactly: a threat's share of the partnership's crime volume (seed 001's probability input),
/// or the part of a budget line a priority accounts for.
public struct Percentage: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let whole = Percentage(uncheckedBasisPoints: 10_000)
    public static let zero = Percentage(uncheckedBasisPoints: 0)

    public let basisPoints: Int

    /// A share of `basisPoints` (0...10,000), or nil outside that range.
    public init?(basisPoints: Int) {
        guard (0...10_000).contains(basisPoints) else { return nil }
        self.basisPoints = basisPoints
    }

    private init(uncheckedBasisPoints: Int) { self.basisPoints = uncheckedBasisPoints }

    public static func < (lhs: Percentage, rhs: Percentage) -> Bool { lhs.basisPoints < rhs.basisPoints }

    /// "22.5%", "40%", "0.05%": as few decimals as the value needs.
    public var description: String { Self.text(basisPoints: basisPoints) }

    /// Any number of basis points as a percentage ("22.5%", "130%"), for totals that may pass 100%.
    public static func text(basisPoints: Int) -> String {
        let sign = basisPoints < 0 ? "-" : ""
        let magnitude = basisPoints.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        guard fraction != 0 else { return "\(sign)\(whole)%" }
        let digits = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0\(fraction)" : String(fraction))
        return "\(sign)\(whole).\(digits)%"
    }
}

/// Why a text is not a percentage.
public struct PercentageParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public let text: String
    public var description: String {
        "'\(text)' is not a percentage: write 0% to 100% with at most two decimals, for example 22.5%"
    }
}

extension Percentage {
    /// Parses "22.5%", "22.5", "40 %" or "0.05%": digits with at most two decimals, 0 to 100, the sign optional.
    public init(parsing text: String) throws(PercentageParseError) {
        var body = Substring(text.filter { !$0.isWhitespace })
        if body.hasSuffix("%") { body = body.dropLast() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 3,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            parts.count == 1 || (1...2).contains(parts[1].count),
            let whole = Int(parts[0])
        else { throw PercentageParseError(text: text) }
        var fraction = 0
        if parts.count == 2, let digits = Int(parts[1]) { fraction = parts[1].count == 1 ? digits * 10 : digits }
        guard let value = Percentage(basisPoints: whole * 100 + fraction) else {
            throw PercentageParseError(text: text)
        }
        self = value
    }
}

extension Percentage: Codable {
    /// Decodes "22.5%" (or any form `init(parsing:)` accepts).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try Percentage(parsing: text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
