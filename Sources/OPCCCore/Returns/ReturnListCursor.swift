import Foundation

/// A return as the list shows it, read by `returnListLines`.
public struct ReturnListLine: Sendable, Hashable {
    public let id: String
    public let office: String
    public let agreement: String
    public let recipient: String
    public let quarter: String
    public let quarterKey: Int
    public let dueOn: String
    public let state: String
    public let escalated: Bool

    public init(
        id: String, office: String, agreement: String, recipient: String, quarter: String, quarterKey: Int,
        dueOn: String, state: String, escalated: Bool
    ) {
        self.id = id
        self.office = office
        self.agreement = agreement
        self.recipient = recipient
        self.quarter = quarter
        self.quarterKey = quarterKey
        self.dueOn = dueOn
        self.state = state
        self.escalated = escalated
    }
}

/// Where a page of the returns list starts: after the return of this agreement and quarter (the list's order).
public struct ReturnListCursor: Sendable, Hashable {
    public var agreement: String
    public var quarterKey: Int

    public init(agreement: String, quarterKey: Int) {
        self.agreement = agreement
        self.quarterKey = quarterKey
    }

    /// The cursor after `line`.
    public init(after line: ReturnListLine) { self.init(agreement: line.agreement, quarterKey: line.quarterKey) }

    /// Base 64 (URL-safe, unpadded) of the agreement and the quarter's key separated by U+001F.
    public var text: String {
        Data("\(agreement)\u{1F}\(quarterKey)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The cursor `text` spells, or nil for anything else (any text may arrive here).
    public init?(text: String) {
        guard text.utf8.count <= 1_024,
            text.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_".unicodeScalars.contains($0))
            })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let joined = String(data: data, encoding: .utf8) else {
            return nil
        }
        let parts = joined.split(separator: "\u{1F}", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let key = Int(parts[1]) else { return nil }
        self.init(agreement: String(parts[0]), quarterKey: key)
    }
}
