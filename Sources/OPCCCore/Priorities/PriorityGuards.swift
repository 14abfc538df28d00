/// What the priority-selection guards see: the assessment as it stands and the board's selection so far. Attached
/// by the services.
public struct PrioritySubject: Sendable {
    public let assessment: PriorityAssessment
    public let selection: PrioritySelection

    public init(assessment: PriorityAssessment, selection: PrioritySelection) {
        self.assessment = assessment
        self.selection = selection
    }
}

extension WorkflowRegistry {
    /// The priority-setting rules as guards for the `priority-selection` workflow: scoring closes only when the
    /// assessment is complete (`PriorityRules.checkAssessment`), and the board's selection is adopted only when it
    /// follows the partnership's rules (`PriorityRules.checkSelection`). One problem is reported under its own rule;
    /// several under all their rules together.
    mutating func registerPriorityGuards() {
        func check(_ name: String, _ body: @escaping @Sendable (PrioritySubject) -> [PriorityRefusal]) {
            register(guard: name) { context in
                guard let subject = context.subject?.priorities else {
                    return GuardRefusal(
                        rule: name, message: "the assessment was not attached to this act",
                        remedy: "act through the priorities commands")
                }
                let found = body(subject)
                guard let first = found.first else { return nil }
                guard found.count > 1 else { return first.guardRefusal }
                var rules: [String] = []
                for rule in found.map(\.rule) where !rules.contains(rule) { rules.append(rule) }
                var remedies: [String] = []
                for remedy in found.map(\.remedy) where !remedies.contains(remedy) { remedies.append(remedy) }
                return GuardRefusal(
                    rule: rules.joined(separator: ", "), message: found.map(\.description).joined(separator: "; "),
                    remedy: remedies.joined(separator: "; "))
            }
        }
        check("assessment-complete") { PriorityRules.checkAssessment($0.assessment, complete: true) }
        check("priority-selection-follows-rules") { PriorityRules.checkSelection($0.selection, of: $0.assessment) }
        check("money-shares-within-whole") { PriorityRules.checkMoney($0.selection) }
    }
}
