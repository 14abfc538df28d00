/// Every notification rule the product ships (`workflows/notifications/*.yaml`), looked up by workflow and event.
public struct NotificationRuleBook: Hashable, Sendable {
    public let rules: [NotificationRule]

    public init(rules: [NotificationRule] = []) { self.rules = rules }

    /// The rules that fire when `event` happens to a record of `workflow`, in file order.
    public func rules(workflow: String, on event: String) -> [NotificationRule] {
        rules.filter { $0.workflow == workflow && $0.on == event }
    }

    /// What the engine knows of a workflow's records to tell people: the events the deadline sweep records for it,
    /// the relations that name someone on its records, and the fields its messages may show.
    public struct Vocabulary: Sendable {
        public let deadlineEvents: Set<String>
        public let relations: Set<NotificationRecipient>
        public let placeholders: Set<MessagePlaceholder>
    }

    /// The sweep's events: `deadline-` and the `DeadlineAction.Kind`.
    public static let deadlineEvents = Set(DeadlineAction.Kind.allCases.map { "deadline-\($0.rawValue)" })

    /// The workflows whose records notifications can speak of (the services build their facts).
    public static let vocabularies: [String: Vocabulary] = {
        let common: Set<MessagePlaceholder> = [.reference, .title, .office, .path]
        return [
            "decision-request": Vocabulary(
                deadlineEvents: deadlineEvents,
                relations: [.signatories, .originatingOfficer, .commissionerOrDelegate, .reviewers],
                placeholders: common.union([.due, .amount, .outcome, .workingDays])),
            "quarterly-return": Vocabulary(
                deadlineEvents: deadlineEvents, relations: [.projectBoard, .reviewers],
                placeholders: common.union([.due, .quarter, .grant, .recipient, .workingDays])),
            "grant-agreement": Vocabulary(
                deadlineEvents: [], relations: [.projectBoard, .reviewers],
                placeholders: common.union([.grant, .recipient])),
            "carry-forward": Vocabulary(
                deadlineEvents: [], relations: [.commissionerOrDelegate, .reviewers],
                placeholders: common.union([.amount, .outcome, .recipient])),
        ]
    }()

    /// Every problem of `rules` (read from `source`) against the workflow definitions (every version): an unknown
    /// workflow, an event that is neither an act of it nor a sweep event for it, a recipient or placeholder that means
    /// nothing on its records, a kind used twice.
    public static func problems(
        in rules: [NotificationRule], source: String, definitions: [WorkflowDefinition],
        kindsSeen: inout [String: String]
    ) -> [WorkflowDefinitionError] {
        func problem(_ subject: String, _ text: String) -> WorkflowDefinitionError {
            WorkflowDefinitionError(source: source, subject: subject, problem: text)
        }
        var found: [WorkflowDefinitionError] = []
        for (i, rule) in rules.enumerated() {
            let at = "rules[\(i)]"
            let versions = definitions.filter { $0.name == rule.workflow }
            guard !versions.isEmpty else {
                let known = Set(definitions.map(\.name)).sorted().joined(separator: ", ")
                return [problem("workflow '\(rule.workflow)'", "unknown workflow; the workflows are \(known)")]
            }
            guard let vocabulary = vocabularies[rule.workflow] else {
                return [
                    problem(
                        "workflow '\(rule.workflow)'",
                        "its records cannot be spoken of in a message; notifications exist for "
                            + vocabularies.keys.sorted().joined(separator: ", "))
                ]
            }
            let acts = Set(versions.flatMap { $0.events.map(\.name) })
            if !acts.contains(rule.on) && !vocabulary.deadlineEvents.contains(rule.on) {
                let known = (acts.union(vocabulary.deadlineEvents)).sorted().joined(separator: ", ")
                found.append(
                    problem("\(at).on '\(rule.on)'", "not an event of \(rule.workflow) (any version); known: \(known)"))
            }
            for recipient in rule.to {
                if case .role = recipient { continue }
                if !vocabulary.relations.contains(recipient) {
                    found.append(problem("\(at).to '\(recipient)'", "names nobody on a \(rule.workflow) record"))
                }
            }
            for (key, template) in [("subject", rule.subject), ("message", rule.message)] {
                for field in template.placeholders where !vocabulary.placeholders.contains(field) {
                    let known = vocabulary.placeholders.map { "{\($0.rawValue)}" }.sorted().joined(separator: ", ")
                    found.append(
                        problem(
                            "\(at).\(key) {\(field.rawValue)}",
                            "not known on a \(rule.workflow) record; its placeholders are \(known)"))
                }
            }
            if let other = kindsSeen[rule.kind] {
                found.append(
                    problem("\(at).kind '\(rule.kind)'", "also used in \(other); give each message its own kind"))
            }
            kindsSeen[rule.kind] = source
        }
        return found
    }
}
