/// What a partnership's board chose from its assessment: the priorities (each may group several threats; seed 001's
/// first, "the effects of violence", covers the violence threats), the statutory obligations delivered alongside
/// them, each priority's ties to money, and the board's recorded decisions: on each Medium threat, on any Low threat
/// it was compelled to select, and on any change to the number of priorities.
public struct PrioritySelection: Hashable, Sendable {
    /// A priority the board sets, or a statutory obligation it always delivers.
    public struct Priority: Hashable, Sendable, Codable {
        public enum Kind: String, Hashable, Sendable, Codable {
            /// One of the priorities the partnership sets from the matrix (seed 001: three).
            case local
            /// A statutory obligation, delivered whatever the matrix says; not counted against the priorities.
            case statutory
        }

        /// Short and stable (`P1`, `S1`): how commands and money links name it.
        public var code: String
        /// As the partnership words it.
        public var title: String
        public var kind: Kind
        /// The threats it covers, by name.
        public var threats: [String]
        /// The budget lines that fund it.
        public var money: [MoneyLink]

        public init(code: String, title: String, kind: Kind, threats: [String] = [], money: [MoneyLink] = []) {
            self.code = code
            self.title = title
            self.kind = kind
            self.threats = threats
            self.money = money
        }
    }

    /// A budget strand of the office, or one commissioned service within it (the recipient's line), and the share of
    /// it that serves the priority, so that finance can show money per priority per year from the reconciliation.
    public struct MoneyLink: Hashable, Sendable, Codable, CustomStringConvertible {
        public var strand: String
        /// The recipient's org-id; nil for the whole strand.
        public var recipient: String?
        /// What the service is, for people reading ("Partnership Locality Funding").
        public var service: String?
        public var share: Percentage

        public init(strand: String, recipient: String? = nil, service: String? = nil, share: Percentage = .whole) {
            self.strand = strand
            self.recipient = recipient
            self.service = service
            self.share = share
        }

        /// "SAFER/GB-LAE-NWL 40%".
        public var description: String {
            strand + (recipient.map { "/" + $0 } ?? "") + " " + share.description
        }
    }

    /// Why a Low threat was selected even so (seed 001: "unless compelled to do, such as to national steer").
    public enum Compulsion: String, CaseIterable, Hashable, Sendable, Codable {
        case nationalSteer = "national-steer"
        case statutoryDuty = "statutory-duty"
        case policeAndCrimePlan = "police-and-crime-plan"
        case other
    }

    /// A decision of the board, as minuted, with its reason.
    public struct BoardRecord: Hashable, Sendable {
        public enum Entry: Hashable, Sendable {
            /// A Medium threat was discussed: selected (covered by a priority) or not.
            case mediumDecision(threat: String, selected: Bool)
            /// A Low threat is selected because the partnership is compelled to.
            case compulsion(threat: String, Compulsion)
            /// The board changed how many priorities it sets this year.
            case priorityCount(Int)
        }

        public var entry: Entry
        public var reason: String
        public var day: Day
        public var by: String

        public init(_ entry: Entry, reason: String, day: Day, by: String) {
            self.entry = entry
            self.reason = reason
            self.day = day
            self.by = by
        }

        /// The threat the record is about, if any.
        public var threat: String? {
            switch entry {
            case .mediumDecision(let threat, _), .compulsion(let threat, _): return threat
            case .priorityCount: return nil
            }
        }
    }

    public var priorities: [Priority]
    /// Oldest first; a later record on the same matter replaces an earlier one.
    public var boardRecords: [BoardRecord]

    public init(priorities: [Priority] = [], boardRecords: [BoardRecord] = []) {
        self.priorities = priorities
        self.boardRecords = boardRecords
    }

    public var local: [Priority] { priorities.filter { $0.kind == .local } }
    public var statutory: [Priority] { priorities.filter { $0.kind == .statutory } }

    /// The priorities covering a threat.
    public func covering(_ threat: String) -> [Priority] { priorities.filter { $0.threats.contains(threat) } }

    /// The board's latest decision on a Medium threat, with its reason.
    public func mediumDecision(on threat: String) -> (selected: Bool, record: BoardRecord)? {
        for record in boardRecords.reversed() {
            if case .mediumDecision(threat, let selected) = record.entry { return (selected, record) }
        }
        return nil
    }

    /// The latest recorded compulsion to select a threat.
    public func compulsion(for threat: String) -> (Compulsion, BoardRecord)? {
        for record in boardRecords.reversed() {
            if case .compulsion(threat, let kind) = record.entry { return (kind, record) }
        }
        return nil
    }

    /// The number of priorities the board last decided to set, if it changed the declared one.
    public var changedPriorityCount: (count: Int, record: BoardRecord)? {
        for record in boardRecords.reversed() {
            if case .priorityCount(let count) = record.entry { return (count, record) }
        }
        return nil
    }
}
