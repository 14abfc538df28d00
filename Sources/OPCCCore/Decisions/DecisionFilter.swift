import Foundation

/// What the register can be filtered on. Every field is optional; all that are given must hold.
public struct DecisionFilter: Sendable {
    public var office: String?
    /// Financial year of the decision (start year), else of the funding source.
    public var financialYearStart: Int?
    public var status: String?
    /// The decision's outcome (`approved`, `not-approved`): what "status" means on the public register, where every
    /// record shown is published.
    public var outcome: String?
    /// Only decisions taken (true) or not taken (false) by a delegate rather than the Commissioner: what the record
    /// says today, the role that took the decision (`DecisionTaken.role` other than commissioner).
    public var delegated: Bool?
    /// Only records listed on their office's forward plan (`DecisionRecord.forwardPlan`).
    public var onForwardPlan: Bool = false
    /// Only records with something to report in this period: decided or published in it, or deferred now.
    public var activeBetween: ClosedRange<Day>?
    /// The order of the rows; only `.register` pages by keyset cursor, the others by offset.
    public var sort: RegisterSort = .register
    public var strand: String?
    public var officer: String?
    public var minimumPence: Int64?
    public var maximumPence: Int64?
    /// Only records decided, unpublished and past their Part 1 deadline on this day.
    public var overdueOn: Day?
    public var deferred: Bool?
    /// Only deferrals with no until-date (the review list).
    public var undatedDeferral: Bool = false
    /// What a person typed to search Part 1, read as `SearchText`: its words must each start a word of the record's
    /// Part 1 text. Never a query language. Text without words filters nothing out.
    public var text: String?
    /// Records that also match the search whatever their text: each office's record with this number, in the
    /// office's own spelling. The services fill it when `text` reads as a decision number of an office.
    public var numbers: [(office: String, number: String)] = []
    /// Who reads the register, as the store filters it: `nil` is every record (the services' own callers); the
    /// services set it from the person asking.
    public var readableBy: RegisterReader?

    public init() {}
}

/// The orders the register can be read in. `.register` is the register's own order (office, day decided, number),
/// matched by an index and paged by keyset (`RegisterCursor`); the others are paged by offset.
public enum RegisterSort: String, Sendable, CaseIterable, Hashable {
    case register
    /// The most recently decided first.
    case newest
    /// The earliest decided first.
    case oldest
    /// The largest amount first (records without an amount last).
    case amountHighest = "amount-highest"
    /// The smallest amount first (records without an amount last).
    case amountLowest = "amount-lowest"

    /// How a person reads the order in a list of choices.
    public var label: String {
        switch self {
        case .register: "Office, then date decided"
        case .newest: "Newest first"
        case .oldest: "Oldest first"
        case .amountHighest: "Largest amount first"
        case .amountLowest: "Smallest amount first"
        }
    }
}

/// What a reader of the register may see of it.
public enum RegisterReader: Sendable, Equatable {
    /// The public, and anyone outside the office: published records only.
    case published
    /// Someone who works in the office: all of its records, and every office's published ones.
    case insider(office: String)
}

/// Where a page of the register ends, to ask for the rows after it (a keyset cursor): the register's order is the
/// office, the day decided (undecided last), the number (none first) and the record id, so the next page starts after
/// this row however many rows were added or published before it meanwhile. Sent as an opaque URL-safe text.
public struct RegisterCursor: Sendable, Hashable {
    public var office: String
    /// `decided_on`, or `9999` for a record not yet decided (the register's order).
    public var decidedKey: String
    /// The decision number, or the empty text for a record not yet numbered.
    public var numberKey: String
    public var id: String

    public init(office: String, decidedKey: String, numberKey: String, id: String) {
        self.office = office
        self.decidedKey = decidedKey
        self.numberKey = numberKey
        self.id = id
    }

    /// The cursor after `row`.
    public init(after row: DecisionRegisterRow) {
        self.init(
            office: row.office, decidedKey: row.decidedOn?.iso ?? "9999", numberKey: row.number ?? "", id: row.id)
    }

    /// Base 64 (URL-safe, unpadded) of the four keys separated by U+001F, which no key may hold.
    public var text: String {
        let joined = [office, decidedKey, numberKey, id].joined(separator: "\u{1F}")
        return Data(joined.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The cursor `text` spells, or nil for anything else (any text may arrive here).
    public init?(text: String) {
        guard text.utf8.count <= 2_048,
            text.unicodeScalars.allSatisfy({
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_".unicodeScalars.contains($0))
            })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let joined = String(data: data, encoding: .utf8) else {
            return nil
        }
        let keys = joined.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard keys.count == 4, !keys[0].isEmpty, !keys[1].isEmpty, !keys[3].isEmpty,
            keys.allSatisfy({ !$0.unicodeScalars.contains { $0.value < 0x20 } })
        else { return nil }
        self.init(office: keys[0], decidedKey: keys[1], numberKey: keys[2], id: keys[3])
    }
}

/// One page of the register: its rows, how many the whole filtered register holds, and the cursor after the last row
/// when more follow.
public struct DecisionRegisterPage: Sendable {
    public var rows: [DecisionRegisterRow]
    public var total: Int
    public var next: RegisterCursor?

    public init(rows: [DecisionRegisterRow], total: Int, next: RegisterCursor?) {
        self.rows = rows
        self.total = total
        self.next = next
    }
}
