/// One `workflows/notifications/<workflow>.yaml`: the rules of one workflow.
///
/// ```yaml
/// workflow: decision-request
/// rules:
///   - on: refer                      # an act of the workflow (any version), or deadline-remind / -mark-overdue /
///     kind: decision-referred        #   -escalate for the workflows the deadline sweep watches
///     to: [commissioner-or-delegate] # relations (signatories, originating-officer, project-board, reviewers,
///     statutory: false               #   commissioner-or-delegate) or roles of the office (officer, finance, …)
///     subject: "Decision {reference} awaits your decision"
///     message: |
///       {title} ({office}) …
/// ```
/// Every key is required; an unknown key is refused with its line.
public enum NotificationRuleFile {
    private struct Raw: Decodable {
        struct Rule: Decodable {
            var on: String?
            var kind: String?
            var to: [String]?
            var statutory: Bool?
            var subject: String?
            var message: String?
        }
        var workflow: String?
        var rules: [Rule]?
    }

    /// The rules in `yaml`, each checked on its own (every key present, the recipients and placeholders known).
    /// What needs the workflow definitions is `NotificationRuleBook.problems`.
    public static func parse(yaml: String, source: String) throws(WorkflowDefinitionError) -> [NotificationRule] {
        func fail(_ subject: String, _ problem: String) -> WorkflowDefinitionError {
            WorkflowDefinitionError(source: source, subject: subject, problem: problem)
        }
        let raw: Raw
        do { raw = try StrictYAML.decode(Raw.self, from: yaml, source: source) } catch {
            throw fail(error.field, error.problem)
        }
        guard let workflow = raw.workflow, !workflow.isBlank else {
            throw fail("workflow", "missing: name the workflow these rules belong to")
        }
        guard let rawRules = raw.rules, !rawRules.isEmpty else { throw fail("rules", "missing: list the rules") }
        var rules: [NotificationRule] = []
        for (i, r) in rawRules.enumerated() {
            let at = "rules[\(i)]"
            func required<T>(_ value: T?, _ key: String, _ what: String) throws(WorkflowDefinitionError) -> T {
                guard let value else { throw fail("\(at).\(key)", "missing: \(what)") }
                return value
            }
            let on = try required(r.on, "on", "name the act or deadline event")
            let kind = try required(r.kind, "kind", "name the message (e.g. sign-off-needed)")
            let names = try required(r.to, "to", "list whom to tell")
            let statutory = try required(r.statutory, "statutory", "say true or false")
            guard !names.isEmpty else { throw fail("\(at).to", "missing: list whom to tell") }
            var to: [NotificationRecipient] = []
            for name in names {
                guard let recipient = NotificationRecipient(name: name) else {
                    throw fail(
                        "\(at).to '\(name)'",
                        "unknown recipient; the recipients are \(NotificationRecipient.namesForHelp)")
                }
                to.append(recipient)
            }
            func template(_ text: String?, _ key: String) throws(WorkflowDefinitionError) -> MessageTemplate {
                let text = try required(text, key, "write the \(key == "subject" ? "subject line" : "message")")
                do { return try MessageTemplate(text) } catch { throw fail("\(at).\(key)", error.description) }
            }
            rules.append(
                NotificationRule(
                    workflow: workflow, on: on, kind: kind, to: to, statutory: statutory,
                    subject: try template(r.subject, "subject"), message: try template(r.message, "message")))
        }
        return rules
    }
}
