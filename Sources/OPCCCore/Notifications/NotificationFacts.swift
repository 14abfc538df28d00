/// What a message may say of one record, and who stands in which relation to it: built by the services from the
/// record as saved, with only Part 1 (or the recipient's own grant's) fields, so that no rule can reach Part 2.
public struct NotificationFacts: Hashable, Sendable {
    public var workflow: String
    /// The record (decision, return, agreement, carry-forward) the message is about.
    public var recordID: String
    public var office: String
    /// The fields the templates may show; `path` among them.
    public var values: [MessagePlaceholder: String]
    /// The decision's originating officer, by user name.
    public var originatingOfficer: String?
    /// The signatory positions still to sign, each with the role that records it; the originating officer's own
    /// declaration is theirs.
    public var pendingSignatories: [OfficeProfile.Signatory]
    /// The grant whose project board is told (a return's or an agreement's own).
    public var grant: String?
    /// The roles that may decide this record: the Commissioner, and a delegate whose delegation covers it.
    public var decisionMakers: [Role]

    public init(
        workflow: String, recordID: String, office: String, values: [MessagePlaceholder: String],
        originatingOfficer: String? = nil, pendingSignatories: [OfficeProfile.Signatory] = [], grant: String? = nil,
        decisionMakers: [Role] = [.commissioner]
    ) {
        self.workflow = workflow
        self.recordID = recordID
        self.office = office
        self.values = values
        self.originatingOfficer = originatingOfficer
        self.pendingSignatories = pendingSignatories
        self.grant = grant
        self.decisionMakers = decisionMakers
    }

    /// The record's page, as a path.
    public var path: String { values[.path] ?? "/" }
}

extension NotificationRuleBook {
    /// The drafts for `event` on the record `facts` describes: one per rule and person told, people of the record's
    /// office only, in a stable order. `occasion` is the act's audit sequence or the sweep's day. `extra` adds
    /// values known only at the event (a sweep's working days).
    public func drafts(
        on event: String, about facts: NotificationFacts, people: [StoredPerson], occasion: String,
        extra: [MessagePlaceholder: String] = [:]
    ) -> [NotificationDraft] {
        let values = facts.values.merging(extra) { _, new in new }
        var drafts: [NotificationDraft] = []
        for rule in rules(workflow: facts.workflow, on: event) {
            let subject = rule.subject.render(values)
            let body = rule.message.render(values)
            for name in Self.recipients(rule.to, of: facts, among: people) {
                drafts.append(
                    NotificationDraft(
                        office: facts.office, recipient: name, kind: rule.kind, subjectID: facts.recordID,
                        occasion: occasion, statutory: rule.statutory, subject: subject, body: body, path: facts.path))
            }
        }
        return drafts
    }

    /// The user names `to` resolves to on the record, sorted and each once. Only people of the record's office; a
    /// project board member only through `projectBoard`, and only of the record's own grant.
    public static func recipients(
        _ to: [NotificationRecipient], of facts: NotificationFacts, among people: [StoredPerson]
    ) -> [String] {
        let office = people.filter { $0.office == facts.office }
        func holders(_ role: Role) -> [String] {
            office.filter { person in
                person.grants.contains {
                    $0.role == role && ($0.scope.isEmpty || $0.scope.contains(facts.recordID))
                }
            }.map(\.name)
        }
        var names: Set<String> = []
        for recipient in to {
            switch recipient {
            case .role(let role): names.formUnion(holders(role))
            case .reviewers: names.formUnion(holders(.officer) + holders(.finance))
            case .originatingOfficer: names.formUnion([facts.originatingOfficer].compactMap { $0 })
            case .signatories:
                for signatory in facts.pendingSignatories {
                    if signatory.position == "originating-officer", let officer = facts.originatingOfficer {
                        names.insert(officer)
                    } else {
                        names.formUnion(holders(signatory.role))
                    }
                }
            case .commissionerOrDelegate:
                for role in facts.decisionMakers { names.formUnion(holders(role)) }
            case .projectBoard:
                guard let grant = facts.grant else { continue }
                names.formUnion(
                    office.filter { person in
                        person.grants.contains { $0.role == .projectBoardMember && $0.scope.contains(grant) }
                    }.map(\.name))
            }
        }
        // Someone known only by name (an originating officer no longer in the office) is told nothing.
        return names.filter { name in office.contains { $0.name == name } }.sorted()
    }
}
