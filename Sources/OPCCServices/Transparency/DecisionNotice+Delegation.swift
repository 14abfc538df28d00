import OPCCCore

extension DecisionNotice {
    /// A decision taken in the Commissioner's place: who took it, under which delegation, within which limit, and the
    /// Commissioner's noting where the delegation asks for it. Read from what the record kept when it was decided
    /// (`DecisionTaken.delegation`), so a later change to the office's profile rewrites no published notice.
    static func delegationSection(_ record: DecisionRecord) -> Section? {
        guard let decision = record.decision, decision.isDelegated else { return nil }
        var facts = [
            Fact(
                label: "Delegated decision",
                value: "Taken by the \(roleName(decision.role)) in the Commissioner's place, under the office's "
                    + "scheme of delegation"),
            Fact(label: "Delegation limit", value: delegationLimit(decision)),
        ]
        if let noting = record.noting {
            facts.append(Fact(label: "Noted by the Commissioner", value: "\(noting.notedBy), on \(noting.day.iso)"))
        } else if DecisionRules.awaitsNoting(record) {
            facts.append(Fact(label: "Noted by the Commissioner", value: "Not yet noted"))
        }
        return Section(heading: "Delegated decision", blocks: [.facts(facts)])
    }

    /// The amount the delegation covered when the decision was taken.
    static func delegationLimit(_ decision: DecisionTaken) -> String {
        guard let delegation = decision.delegation else { return "Not recorded" }
        return delegation.upTo.map { "Decisions up to \($0.description)" } ?? "No amount limit"
    }
}

extension DecisionNotice {
    /// An implication section's heading as the office's form writes it (`hr-equality` → "HR / Equality"): the label
    /// the decision form gives the same section.
    public static func implicationLabel(_ key: String) -> String { implicationHeading(key) }
}

extension DecisionNotice {
    /// A role as the notice names it ("Chief Executive", "Police and Crime Commissioner").
    public static func roleLabel(_ role: Role) -> String { roleName(role) }
}
