import OPCCCore

/// The service boundary's use of `TextField`: every text a person gives an act passes it here, so that the web
/// forms, the JSON API and the command line refuse the same texts with the same message, and store the same
/// normalised text (CRLF and CR made LF).
extension ServiceRefusal {
    /// A text refused by `TextField`: rule `text-within-limits`, the message naming the field.
    init(_ refusal: TextFieldRefusal) {
        self.init(rule: .textWithinLimits, message: refusal.description)
    }
}

/// `text` as it is stored (line breaks made LF), or the refusal naming `field`.
func checkedText(_ text: String, _ field: String, _ kind: TextField.Kind) throws(ServiceRefusal) -> String {
    do { return try TextField.normalized(text, field: field, kind: kind) } catch { throw ServiceRefusal(error) }
}

/// An optional text checked the same way; nil stays nil.
func checkedOptionalText(_ text: String?, _ field: String, _ kind: TextField.Kind) throws(ServiceRefusal) -> String? {
    guard let text else { return nil }
    return try checkedText(text, field, kind)
}

extension Commissioning.DecisionAct {
    /// The act with its texts checked and normalised: names and initials are one line, reasons and declarations
    /// short fields.
    func checkedTexts() throws(ServiceRefusal) -> Self {
        switch self {
        case .submit, .refer, .publish, .note: return self
        case .signOff(let position, let name, let initials):
            return .signOff(
                position: try checkedText(position, "position", .name), name: try checkedText(name, "name", .name),
                initials: try checkedOptionalText(initials, "initials", .name))
        case .returnForRevision(let reason):
            return .returnForRevision(reason: try checkedText(reason, "reason", .short))
        case .withdraw(let reason): return .withdraw(reason: try checkedText(reason, "reason", .short))
        case .decide(let approve, let interests, let prejudicial, let urgency):
            let urgency = try checkedOptionalText(urgency, "urgency", .short)
            return .decide(
                approve: approve, interests: try checkedText(interests, "interests", .short),
                prejudicialInterest: prejudicial, urgency: urgency.flatMap { $0.isBlank ? nil : $0 })
        case .deferPublication(let reason, let until):
            return .deferPublication(reason: try checkedText(reason, "reason", .short), until: until)
        }
    }
}

extension GrantAgreement {
    /// The terms with every text checked and normalised: names one line, the purpose and conditions short fields,
    /// the statement of how the grant reduces crime and disorder a long text.
    func checkedTexts() throws(ServiceRefusal) -> GrantAgreement {
        var a = self
        a.recipient.name = try checkedText(recipient.name, "recipientName", .name)
        a.accountableBody?.name = try checkedText(accountableBody?.name ?? "", "accountableBody.name", .name)
        a.purpose = try checkedText(purpose, "purpose", .short)
        a.crimeAndDisorderStatement = try checkedText(crimeAndDisorderStatement, "crimeAndDisorderStatement", .long)
        for i in a.planLines.indices {
            a.planLines[i].priority = try checkedText(planLines[i].priority, "planLines[\(i)].priority", .name)
            a.planLines[i].description = try checkedText(
                planLines[i].description, "planLines[\(i)].description", .short)
        }
        for i in a.indicators.indices {
            a.indicators[i].name = try checkedText(indicators[i].name, "indicators[\(i)].name", .name)
            a.indicators[i].unit = try checkedText(indicators[i].unit, "indicators[\(i)].unit", .name)
            a.indicators[i].baseline = try checkedText(indicators[i].baseline, "indicators[\(i)].baseline", .short)
            a.indicators[i].target = try checkedText(indicators[i].target, "indicators[\(i)].target", .short)
        }
        for i in a.conditions.indices {
            a.conditions[i] = try checkedText(conditions[i], "conditions[\(i)]", .short)
        }
        return a
    }
}

extension ReturnContent {
    /// The return with every text checked and normalised: the narrative a long text, the rest short fields.
    func checkedTexts() throws(ServiceRefusal) -> ReturnContent {
        var c = self
        c.narrative = try checkedText(narrative, "narrative", .long)
        c.varianceExplanation = try checkedOptionalText(varianceExplanation, "varianceExplanation", .long)
        for i in c.milestones.indices {
            c.milestones[i].name = try checkedText(milestones[i].name, "milestones[\(i)].name", .name)
            c.milestones[i].reason = try checkedOptionalText(milestones[i].reason, "milestones[\(i)].reason", .short)
        }
        for i in c.indicators.indices {
            c.indicators[i].name = try checkedText(indicators[i].name, "indicators[\(i)].name", .name)
            c.indicators[i].actual = try checkedText(indicators[i].actual, "indicators[\(i)].actual", .short)
        }
        for i in c.risks.indices { c.risks[i] = try checkedText(risks[i], "risks[\(i)]", .short) }
        for i in c.issues.indices { c.issues[i] = try checkedText(issues[i], "issues[\(i)]", .short) }
        for i in c.requestedChanges.indices {
            c.requestedChanges[i].description = try checkedText(
                requestedChanges[i].description, "requestedChanges[\(i)].description", .short)
        }
        return c
    }
}
