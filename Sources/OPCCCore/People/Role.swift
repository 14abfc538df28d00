/// A product role: what a person may do in an office. The list is DOMAIN.md's; an office profile says which of them
/// it uses, and a workflow transition names the roles allowed to fire it.
public enum Role: String, CaseIterable, Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Raises and edits decision records.
    case officer
    /// Budgets, allocations, payments and carry-forwards.
    case finance
    /// Chief executive / monitoring officer: officer approval of decision records.
    case chiefExecutive = "chief-executive"
    /// The Police and Crime Commissioner, who decides.
    case commissioner
    /// A member of a funded partner's project board: submits returns for its own grants only.
    case projectBoardMember = "project-board-member"
    /// Reads everything, changes nothing.
    case auditor
    /// Reads published Part 1 only.
    case `public`
    /// Manages the office's people in the browser and on the command line (adds them, grants and ends roles,
    /// disables and enables them, sends invitations and resets), as the chief executive may. A product role every
    /// office has, whether or not its profile lists it: it takes part in no workflow.
    case administrator
    /// A person of a partner organisation who applies to the office's grant rounds: held scoped to the
    /// organisation's org-id (`GB-CHC-1234567`), never office-wide. A product role, like `administrator`: the
    /// person belongs to no office's staff (see docs/ARCHITECTURE.md, "Partners and assessors").
    case applicant
    /// An assessor of a grant round, from the office or from outside it: held scoped to the round's id
    /// (`R-2026-001`), never office-wide. A product role.
    case assessor

    /// Whether the role is the product's own, held by an office whatever its profile's `roles` list.
    public var isProductRole: Bool { self == .administrator || isPartnerRole }

    /// Whether the role is held by people outside the office's staff, always scoped to one organisation or round:
    /// it gives no office-wide power, and a person holding only such roles is a partner, not staff.
    public var isPartnerRole: Bool { self == .applicant || self == .assessor }

    public var description: String { rawValue }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Every role name, for messages that list what is accepted.
    public static var namesForHelp: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A role held by a person, optionally limited to named records (a project board member holds
/// `project-board-member` scoped to the grants of its own board).
public struct RoleGrant: Hashable, Sendable, Codable, CustomStringConvertible {
    public let role: Role
    /// Record references the role is limited to; empty means the whole office.
    public let scope: [String]

    public init(role: Role, scope: [String] = []) {
        self.role = role
        self.scope = scope
    }

    /// Whether this grant lets its holder act on `record` (nil: an act not tied to one record).
    public func covers(record: String?) -> Bool {
        guard !scope.isEmpty else { return true }
        guard let record else { return false }
        return scope.contains(record)
    }

    public var description: String {
        scope.isEmpty ? role.rawValue : "\(role.rawValue) (\(scope.joined(separator: ", ")))"
    }
}

/// The person firing an act, with the roles they hold in the office the act belongs to.
public struct Actor: Hashable, Sendable, Codable {
    public let name: String
    public let grants: [RoleGrant]

    public init(name: String, grants: [RoleGrant]) {
        self.name = name
        self.grants = grants
    }

    /// The roles this actor holds that cover `record`.
    public func roles(covering record: String?) -> Set<Role> {
        Set(grants.filter { $0.covers(record: record) }.map(\.role))
    }
}
