extension WorkflowRegistry {
    /// The decision form's rules as named guards for the `decision-request` workflow. Each reads the
    /// `DecisionSubject` the services attach and the act's payload.
    mutating func registerDecisionGuards() {
        @Sendable func subject(_ context: WorkflowContext, rule: String) -> Result<DecisionSubject, GuardRefusal> {
            guard let subject = context.subject?.decision else {
                return .failure(
                    GuardRefusal(
                        rule: rule, message: "the decision record was not attached to this act",
                        remedy: "act through the decision commands"))
            }
            return .success(subject)
        }
        func check(_ rule: String, _ body: @escaping @Sendable (WorkflowContext, DecisionSubject) -> DecisionRefusal?) {
            register(guard: rule) { context in
                switch subject(context, rule: rule) {
                case .failure(let refusal): return refusal
                case .success(let s): return body(context, s)?.guardRefusal
                }
            }
        }
        check("executive-summary-within-limit") { _, s in DecisionRules.checkSummary(s.record, profile: s.profile) }
        check("part2-complete-before-submission") { _, s in DecisionRules.checkPart2(s.record) }
        check("sign-off-by-position-holder") { context, s in
            DecisionRules.checkSignOff(
                position: context.act.payload["position"] ?? "", name: context.act.payload["name"] ?? "",
                actorRoles: context.act.actor.roles(covering: context.instance.recordRef), record: s.record,
                profile: s.profile)
        }
        check("declaration-of-interests") { context, _ in
            (context.act.payload["interests"] ?? "").isBlank ? .interestsNotDeclared : nil
        }
        check("decision-maker-authorised") { context, s in
            let held = context.act.actor.roles(covering: context.instance.recordRef)
            // A role the actor does not hold, or the transition does not allow, is the engine's refusal alone.
            if let asked = context.act.role, !(held.contains(asked) && context.transition.roles.contains(asked)) {
                return nil
            }
            let role =
                context.act.role ?? (held.contains(.commissioner) ? .commissioner : nil)
                ?? context.transition.roles.first(where: held.contains)
            guard let role else { return nil }  // the engine refuses the role itself
            return DecisionRules.checkDecisionMaker(
                role: role, prejudicialInterest: context.act.payload["prejudicialInterest"] == "true",
                record: s.record, profile: s.profile)
        }
        check("delegated-decision-noting") { _, s in DecisionRules.checkNoting(s.record) }
        check("delegated-decision-noted") { _, s in DecisionRules.checkNotedBeforePublication(s.record) }
        check("deferral-until-date") { context, s in
            let until = context.act.payload["until"].flatMap { try? Day(iso: $0) }
            return DecisionRules.checkDeferral(until: until, record: s.record, profile: s.profile)
        }
    }
}
