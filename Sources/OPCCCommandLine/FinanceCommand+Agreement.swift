import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

extension FinanceCommand {
    /// `opcc finance agreement`: one grant agreement through its workflow.
    struct Agreement: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "agreement",
            abstract: "Draft, assess, sign, activate, pay and close a grant agreement.",
            discussion: """
                draft → (assess --equality, assess --risk) → confirm → signature (both parties) → sign → activate → \
                pay (each instalment when its condition holds) → close; while active, vary (amount, dates, plan lines).
                Example: opcc finance agreement assess leicestershire-GA-0001 --risk --reference RISK-1 \
                --as leics.finance
                """,
            subcommands: [
                Draft.self, Assess.self, Confirm.self, Signature.self, Sign.self, Activate.self, Vary.self, Pay.self,
                Close.self, Terminate.self,
            ] + RecordDocumentCommands<Agreement>.all)

        /// The shared shape of the commands that take an agreement id and perform one act.
        struct IDOptions: ParsableArguments {
            @Argument(help: "The agreement id, e.g. cumbria-GA-0001.") var id: String
            @Option(help: "Only if the record is still at this version (the API's ETag); else nothing changes.")
            var version: Int?
            @OptionGroup var global: GlobalOptions
        }

        struct Draft: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Draft an agreement from a YAML or JSON file over allocations of one decision.",
                discussion: """
                    The file gives allocations (ids), purpose, crimeAndDisorderStatement, start, end, and optionally \
                    recipientName, accountableBody {orgID, name}, ringFenced, planLines [{priority, description, \
                    amount}], spendProfile [{quarter, amount}], indicators [{name, unit, baseline, target}], \
                    fixedTermPostsEnd, payments [{id, amount, condition {kind: on-signature|on-date, day}}].
                    Example: opcc finance agreement draft --file agreement.yaml --office cumbria --as cumbria.finance
                    """)
            @Option(help: "YAML or JSON file with the terms.") var file: String
            @OptionGroup var global: GlobalOptions

            func run() async throws {
                try await runReportingRefusals {
                    let app = try global.open()
                    let terms = try decodeUserFile(
                        Commissioning.AgreementFile.self, file, rule: .validAgreementFile)
                    let agreement = try await app.draftAgreement(
                        from: terms, office: try await app.resolveOffice(global.office), by: try global.actorName(),
                        on: try global.effectiveDay())
                    printLine("\(agreement.id): drafted for \(agreement.amount) to \(agreement.recipient.name)")
                }
            }
        }

        struct Assess: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record the equality impact assessment or the risk assessment (needed before signature).",
                discussion: "Example: opcc finance agreement assess cumbria-GA-0001 --equality --reference EIA-7")
            @OptionGroup var o: IDOptions
            @Flag(help: "The equality impact assessment.") var equality = false
            @Flag(help: "The risk assessment.") var risk = false
            @Option(help: "The assessment's reference.") var reference: String

            func validate() throws {
                guard equality != risk else { throw ValidationError("give exactly one of --equality, --risk") }
            }

            func run() async throws {
                try await performAct(o, "\(equality ? "equality impact" : "risk") assessment recorded") {
                    app, who, day in
                    try await app.recordAssessment(
                        o.id, equality: equality, reference: reference, by: who, on: day, expectedVersion: o.version)
                }
            }
        }

        struct Confirm: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Confirm the preconditions (assessments recorded; the agreement equals its allocations).",
                discussion: "Example: opcc finance agreement confirm cumbria-GA-0001 --as cumbria.finance")
            @OptionGroup var o: IDOptions
            func run() async throws {
                try await performAct(o, "conditions confirmed") { app, who, day in
                    try await app.confirmAgreementConditions(o.id, by: who, on: day, expectedVersion: o.version)
                }
            }
        }

        struct Signature: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record one party's signature (opcc or recipient).",
                discussion: "Example: opcc finance agreement signature cumbria-GA-0001 --party recipient --name "
                    + "\"Chief Executive\"")
            @OptionGroup var o: IDOptions
            @Option(help: "opcc or recipient.") var party: String
            @Option(help: "The signatory's name.") var name: String

            func run() async throws {
                guard let p = GrantAgreement.Party(rawValue: party) else {
                    throw ValidationError("--party must be opcc or recipient")
                }
                try await performAct(o, "\(p) signed") { app, who, day in
                    try await app.recordAgreementSignature(
                        o.id, party: p, name: name, by: who, on: day, expectedVersion: o.version)
                }
            }
        }

        struct Sign: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Complete signature once both parties have signed.",
                discussion: "Example: opcc finance agreement sign cumbria-GA-0001 --as cumbria.finance")
            @OptionGroup var o: IDOptions
            func run() async throws {
                try await performAct(o, "signed") { app, who, day in
                    try await app.signAgreement(o.id, by: who, on: day, expectedVersion: o.version)
                }
            }
        }

        struct Activate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Start the agreement.", discussion: "Example: opcc finance agreement activate cumbria-GA-0001"
            )
            @OptionGroup var o: IDOptions
            func run() async throws {
                try await performAct(o, "activated") { app, who, day in
                    try await app.activateAgreement(o.id, by: who, on: day, expectedVersion: o.version)
                }
            }
        }

        struct Terminate: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "End an active agreement early, with a reason (finance or the Commissioner).",
                discussion: "No further instalment is released. Example: opcc finance agreement terminate "
                    + "cumbria-GA-0002 --reason \"Hub not built\" --as cumbria.pcc")
            @OptionGroup var o: IDOptions
            @Option(help: "Why the agreement ends early.") var reason: String
            func run() async throws {
                try await performAct(o, "terminated") { app, who, day in
                    try await app.terminateAgreement(o.id, reason: reason, by: who, on: day, expectedVersion: o.version)
                }
            }
        }

        struct Pay: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Release an instalment when its condition holds (a posting from allocation to paid).",
                discussion: "Example: opcc finance agreement pay cumbria-GA-0001 --instalment I2 --on 2016-10-03")
            @OptionGroup var o: IDOptions
            @Option(help: "The instalment id.") var instalment: String
            func run() async throws {
                try await performAct(o, "instalment \(instalment) paid") { app, who, day in
                    try await app.releasePayment(
                        o.id, instalment: instalment, by: who, on: day, expectedVersion: o.version)
                }
            }
        }

        struct Vary: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Vary an active agreement: its amount, its dates or its plan lines (finance approves).",
                discussion: """
                    An amount variation moves money: an increase is a new allocation (under the agreement's decision, \
                    or --new-decision when it would exceed what that decision approved); a reduction returns unpaid \
                    money to the strand's budget. --file may give the new planLines, spendProfile and payments \
                    (paid instalments unchanged) so that they still add up to the new amount.
                    Example: opcc finance agreement vary cumbria-GA-0001 --kind amount --change -5000.00 \
                    --reason "Hub works cost less" --file varied.yaml --as cumbria.finance
                    """)
            @OptionGroup var o: IDOptions
            @Option(help: "What changes: amount, dates or plan-lines.") var kind: String
            @Option(help: "Why (recorded on the variation and in the audit log).") var reason: String
            @Option(
                parsing: .unconditional,
                help: "For an amount variation: the change, negative for a reduction (e.g. -5000.00).")
            var change: String?
            @Option(help: "The new decision approving an increase beyond the first decision.") var newDecision: String?
            @Option(help: "For a dates variation: the new first day (YYYY-MM-DD).") var start: String?
            @Option(help: "For a dates variation: the new last day (YYYY-MM-DD).") var end: String?
            @Option(help: "For a dates variation: the new end of fixed-term posts.") var postsEnd: String?
            @Option(help: "YAML or JSON with new planLines, spendProfile and payments.") var file: String?
            @Option(help: "The variation proposal (from a quarterly return) this approves, e.g. cumbria-VP-0001.")
            var proposal: String?

            struct Terms: Decodable {
                var planLines: [GrantAgreement.PlanLine]?
                var spendProfile: [GrantAgreement.QuarterSpend]?
                var payments: [GrantAgreement.PaymentInstalment]?
            }

            func run() async throws {
                try await performAct(o, "varied") { app, who, day in
                    guard let kind = GrantAgreement.Variation.Kind(rawValue: kind) else {
                        throw ServiceRefusal(
                            rule: .variationFitsKind,
                            message: "--kind '\(kind)' is not amount, dates or plan-lines")
                    }
                    var request = Commissioning.VariationRequest(kind: kind, reason: reason)
                    if let change {
                        let negative = change.hasPrefix("-")
                        let magnitude = try Money(parsing: negative ? String(change.dropFirst()) : change)
                        request.amountChange = SignedMoney(pence: negative ? -magnitude.pence : magnitude.pence)
                    }
                    request.newDecision = newDecision
                    if start != nil || end != nil {
                        let current = try await app.agreement(o.id).period
                        request.period = GrantAgreement.Period(
                            start: try start.map { try Day(iso: $0) } ?? current.start,
                            end: try end.map { try Day(iso: $0) } ?? current.end)
                    }
                    request.fixedTermPostsEnd = try postsEnd.map { try Day(iso: $0) }
                    if let file {
                        let terms = try decodeUserFile(Terms.self, file, rule: .validVariationFile)
                        request.planLines = terms.planLines
                        request.spendProfile = terms.spendProfile
                        request.payments = terms.payments
                    }
                    request.proposal = proposal
                    try await app.varyAgreement(o.id, request, by: who, on: day, expectedVersion: o.version)
                }
            }
        }

        struct Close: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Close an active agreement once nothing under it is due back.",
                discussion: "Example: opcc finance agreement close cumbria-GA-0001 --as cumbria.finance")
            @OptionGroup var o: IDOptions
            func run() async throws {
                try await performAct(o, "closed") { app, who, day in
                    try await app.closeAgreement(o.id, by: who, on: day, expectedVersion: o.version)
                }
            }
        }
    }

    struct Proposals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List variation proposals from quarterly returns, for finance to decide.",
            discussion: """
                Approve one with opcc finance agreement vary ID --proposal P (a variation with its usual checks), or \
                refuse it with opcc finance refuse-proposal P --reason "…".
                Example: opcc finance proposals --office cumbria --json
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let list = try await app.proposals(office: try await global.resolvedOffice(app))
                if output.json {
                    printLine(try jsonText(list))
                    return
                }
                for p in list {
                    printLine(
                        "\(p.id)\t\(p.status.rawValue)\t\(p.agreementID)\t\(p.kind.rawValue)\t\(p.description)"
                            + (p.returnID.map { "\t(from \($0) v\(p.returnVersion ?? 0))" } ?? ""))
                }
                if list.isEmpty { printLine("no variation proposals") }
            }
        }
    }

    struct RefuseProposal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refuse-proposal",
            abstract: "Refuse a variation proposal, with a reason (finance); it is kept, marked refused.",
            discussion:
                "Example: opcc finance refuse-proposal cumbria-VP-0001 --reason \"profile stays\" --as cumbria.finance")
        @Argument(help: "The proposal id.") var id: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                try await app.refuseProposal(
                    id, reason: reason, by: try global.actorName(), on: try global.effectiveDay())
                printLine("\(id): refused")
            }
        }
    }
}
