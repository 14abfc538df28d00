/// Who is told of what: one rule of `workflows/notifications/<workflow>.yaml`. When `on` happens to a record of
/// `workflow` (an act of its definition, any version, or a deadline-sweep event), each person `to` names is sent one
/// message, rendered from `subject` and `message`. Kept apart from the workflow definitions so that the versions
/// records in flight are pinned to never change when the office changes who is told.
public struct NotificationRule: Hashable, Sendable {
    public let workflow: String
    /// The act (`submit`, `refer`, `accept`) or the sweep's event (`deadline-remind`, `deadline-mark-overdue`,
    /// `deadline-escalate`), as the audit event names it.
    public let on: String
    /// What the message is (`sign-off-needed`): the outbox row's kind, one per rule of a workflow.
    public let kind: String
    public let to: [NotificationRecipient]
    /// A statutory deadline (Part 1 publication, an overdue return) goes at once, whatever the person prefers.
    public let statutory: Bool
    public let subject: MessageTemplate
    public let message: MessageTemplate

    public init(
        workflow: String, on: String, kind: String, to: [NotificationRecipient], statutory: Bool,
        subject: MessageTemplate, message: MessageTemplate
    ) {
        self.workflow = workflow
        self.on = on
        self.kind = kind
        self.to = to
        self.statutory = statutory
        self.subject = subject
        self.message = message
    }
}

/// Whom a rule tells, by their relation to the record; resolved to people of the record's office when the rule fires.
public enum NotificationRecipient: Hashable, Sendable, CustomStringConvertible {
    /// Everyone holding the role for the whole office (or for this record). Not `project-board-member` nor `public`:
    /// a board is told only of its own grant, through `projectBoard`.
    case role(Role)
    /// The holders of each signatory position of the office profile the decision still lacks (the originating
    /// officer's own declaration goes to the record's originating officer).
    case signatories
    /// The officer who raised the decision record.
    case originatingOfficer
    /// The members of the grant's own project board (the role scoped to that grant).
    case projectBoard
    /// Those who review a return: the office's officers and finance.
    case reviewers
    /// The Commissioner, and the delegate the office profile names where the delegation covers this record.
    case commissionerOrDelegate

    /// The names a rule file uses, besides the role names.
    static let relations: [String: NotificationRecipient] = [
        "signatories": .signatories, "originating-officer": .originatingOfficer, "project-board": .projectBoard,
        "reviewers": .reviewers, "commissioner-or-delegate": .commissionerOrDelegate,
    ]

    /// Roles that cannot be told as a whole office: a board member's mail is about their own grant only, and the
    /// public has no mail.
    static let refusedRoles: Set<Role> = [.projectBoardMember, .public]

    public init?(name: String) {
        if let relation = Self.relations[name] {
            self = relation
        } else if let role = Role(rawValue: name), !Self.refusedRoles.contains(role) {
            self = .role(role)
        } else {
            return nil
        }
    }

    /// Every name a rule may use, for messages.
    public static var namesForHelp: String {
        (relations.keys.sorted() + Role.allCases.filter { !refusedRoles.contains($0) }.map(\.rawValue))
            .joined(separator: ", ")
    }

    public var description: String {
        switch self {
        case .role(let role): return role.rawValue
        case .signatories: return "signatories"
        case .originatingOfficer: return "originating-officer"
        case .projectBoard: return "project-board"
        case .reviewers: return "reviewers"
        case .commissionerOrDelegate: return "commissioner-or-delegate"
        }
    }
}

/// A field a message may show: only what Part 1 (or the recipient's own grant) already shows, never Part 2.
public enum MessagePlaceholder: String, Hashable, Sendable, CaseIterable {
    /// The decision's number (else its id), the return's or agreement's or carry-forward's id.
    case reference
    /// The decision's Part 1 title; for a return, its quarter and grant; for a carry-forward, its strand and year.
    case title
    /// The office's name.
    case office
    /// The due day: a return's, or Part 1 publication's.
    case due
    /// The decision's amount as Part 1 prints it, or the carry-forward's forecast.
    case amount
    /// The return's financial quarter (`2016/17 Q1`).
    case quarter
    /// The grant agreement's id.
    case grant
    /// The grant's recipient organisation (as its agreement and 360Giving publish it).
    case recipient
    /// Working days until due (a reminder) or late (overdue, escalation).
    case workingDays = "working-days"
    /// The decision's outcome (`approved`, `not approved`) or the carry-forward's.
    case outcome
    /// The record's page, as a path under the public address.
    case path
}

/// A subject line or body with `{placeholder}`s, checked when the file is read.
public struct MessageTemplate: Hashable, Sendable {
    /// Literal text and placeholders, in order.
    enum Piece: Hashable, Sendable {
        case text(String)
        case field(MessagePlaceholder)
    }
    let pieces: [Piece]
    public let text: String

    /// The placeholders it uses, in order.
    public var placeholders: [MessagePlaceholder] {
        pieces.compactMap { if case .field(let p) = $0 { return p } else { return nil } }
    }

    /// Reads `{name}` placeholders; an unknown name, or a brace left open, is refused naming it.
    public init(_ text: String) throws(MessageTemplateError) {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else { throw .unclosed(String(rest[open...])) }
            let name = String(rest[rest.index(after: open)..<close])
            guard let field = MessagePlaceholder(rawValue: name) else { throw .unknownPlaceholder(name) }
            pieces.append(.field(field))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
        self.text = text
    }

    /// The text with each placeholder replaced by its value (an absent value reads `not stated`).
    public func render(_ values: [MessagePlaceholder: String]) -> String {
        pieces.map { piece in
            switch piece {
            case .text(let text): return text
            case .field(let field): return values[field] ?? "not stated"
            }
        }.joined()
    }
}

/// Why a template cannot be used.
public enum MessageTemplateError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownPlaceholder(String)
    case unclosed(String)

    public var description: String {
        switch self {
        case .unknownPlaceholder(let name):
            return "unknown placeholder {\(name)}; the placeholders are "
                + MessagePlaceholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: ", ")
        case .unclosed(let text): return "'\(text)' opens a placeholder with { and never closes it with }"
        }
    }
}
