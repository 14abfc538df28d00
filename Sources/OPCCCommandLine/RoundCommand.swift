import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc round`: open grant rounds (issue 29), from set-up to the decision.
struct RoundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "round",
        abstract: "Open grant rounds: create, publish, close, list, show, applications, eligibility, conflict, score, "
            + "moderate, recommend, decision, outcome; an application's documents.",
        discussion: """
            An officer sets a round up from a YAML file and publishes it; partners apply on the web; officers mark \
            eligibility; assessors declare conflicts and score; the panel moderates and recommends; one decision \
            record carries the awards, and its approval allocates them and drafts their agreements. An applicant \
            attaches documents to a draft application (attach APPLICATION FILE --kind ...); its organisation, the \
            round's officers and its assessors who declared no conflict read them; they are never published.
            Example: opcc round create round.yaml --office cumbria --as cumbria.officer
            Example: opcc round attach cumbria-R-0001-A-001 budget.pdf --kind business-case --as barrow.youth
            """,
        subcommands: [
            Create.self, Publish.self, Close.self, List.self, Show.self, Applications.self, Eligibility.self,
            Conflict.self, Score.self, Moderate.self, Recommend.self, Decision.self, Outcome.self,
        ] + RecordDocumentCommands<RoundCommand>.all)

    struct RoundID: ParsableArguments {
        @Argument(help: "The round id, e.g. cumbria-R-0001.") var round: String
        @OptionGroup var global: GlobalOptions
    }

    struct ApplicationID: ParsableArguments {
        @Argument(help: "The application id, e.g. cumbria-R-0001-A-007.") var application: String
        @OptionGroup var global: GlobalOptions
    }

    static func show(_ round: StoredRound) -> String {
        let s = round.spec
        return """
            \(round.id)  \(s.title)  [\(round.state.rawValue)]
              fund: \(s.strand) \(s.year), total \(s.total); bands: \
            \(s.bands.bands.map { "\($0.name) up to \($0.upTo?.description ?? "any")" }.joined(separator: ", "))
              open \(s.opens) to \(s.closes) (Europe/London); end-of-grant report: \(s.endOfGrantReport ? "yes" : "no")
              eligible: \(s.eligibility.organisationKinds.map(\.rawValue).joined(separator: ", ")) in \
            \(s.eligibility.areas.isEmpty ? "any area" : s.eligibility.areas.joined(separator: ", "))
              criteria: \(s.criteria.map { "\($0.id) (\($0.weight))" }.joined(separator: ", "))
              assessors: \(s.assessors.joined(separator: ", "))\(round.decisionID.map { "\n  decision: \($0)" } ?? "")
            """
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a round up in draft from a YAML file (unknown keys are refused, naming key and line).",
            discussion: "Example: opcc round create fixtures/rounds/community-safety-fund.yaml --office cumbria "
                + "--as cumbria.officer")
        @Argument(help: "The round's YAML file.") var file: String
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await runReportingRefusals {
                let spec = try GrantRoundFile.parse(yaml: try readUserFile(file), source: file)
                let app = try global.open()
                guard let office = try await global.resolvedOffice(app) else {
                    throw ValidationError("name the office with --office")
                }
                let round = try await app.createRound(
                    spec, office: office, by: try global.actorName(),
                    on: try global.effectiveDay())
                printLine(RoundCommand.show(round))
            }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a draft round on the public site.",
            discussion: "Example: opcc round publish cumbria-R-0001 --as cumbria.officer")
        @OptionGroup var id: RoundID
        func run() async throws {
            try await runReportingRefusals {
                let app = try id.global.open()
                printLine(RoundCommand.show(try await app.publishRound(id.round, by: try id.global.actorName())))
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a round whose closing time has passed: assessment begins.",
            discussion: "Example: opcc round close cumbria-R-0001 --as cumbria.officer")
        @OptionGroup var id: RoundID
        func run() async throws {
            try await runReportingRefusals {
                let app = try id.global.open()
                printLine(RoundCommand.show(try await app.closeRound(id.round, by: try id.global.actorName())))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the rounds you may see (the public: published ones).",
            discussion: "Example: opcc round list --office cumbria --as cumbria.officer")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                for round in try await app.rounds(office: global.office, by: global.actor) {
                    printLine("\(round.id)\t\(round.state.rawValue)\t\(round.spec.total)\t\(round.spec.title)")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a round: its fund, bands, dates, eligibility, criteria and assessors.",
            discussion: "Example: opcc round show cumbria-R-0001")
        @OptionGroup var id: RoundID
        func run() async throws {
            try await runReportingRefusals {
                let app = try id.global.open()
                printLine(RoundCommand.show(try await app.round(id.round, by: id.global.actor)))
            }
        }
    }

    struct Applications: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a round's applications you may see (an applicant: its own organisation's).",
            discussion: "Example: opcc round applications cumbria-R-0001 --as cumbria.officer")
        @OptionGroup var id: RoundID
        func run() async throws {
            try await runReportingRefusals {
                let app = try id.global.open()
                for a in try await app.applications(round: id.round, by: try id.global.actorName()) {
                    printLine(
                        "\(a.id)\t\(a.state.rawValue)\t\(a.organisation.orgID)\t\(a.draft.amountRequested)\t"
                            + a.draft.title)
                }
            }
        }
    }

    struct Eligibility: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark a submitted application eligible or not, with the reason.",
            discussion: "Example: opcc round eligibility cumbria-R-0001-A-003 --not-eligible --reason \"Outside the "
                + "area\" --as cumbria.officer")
        @OptionGroup var id: ApplicationID
        @Flag(help: "Mark it not eligible (default: eligible).") var notEligible = false
        @Option(help: "Why.") var reason: String
        func run() async throws {
            try await runReportingRefusals {
                let app = try id.global.open()
                try await app.markEligibility(
                    id.application, eligible: !notEligible, reason: reason, by: try id.global.actorName())
                printLine("\(id.application): \(notEligible ? "not eligible" : "eligible")")
            }
        }
    }

    struct Conflict: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Declare, as an assessor, whether you have a conflict of interest in an application.",
            discussion: "Example: opcc round conflict cumbria-R-0001-A-003 --conflicted --note \"Trustee\" "
                + "--as assessor.c")
        @OptionGroup var id: ApplicationID
        @Flag(help: "You have a conflict (you will not score it).") var conflicted = false
        @Option(help: "What the interest is.") var note = ""
        func run() async throws {
            try await runReportingRefusals {
                let app = try id.global.open()
                try await app.declareConflict(
                    id.application, conflicted: conflicted, note: note, by: try id.global.actorName())
                printLine("\(id.application): \(conflicted ? "conflict declared" : "no conflict")")
            }
        }
    }

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit your scores for an application: every criterion once, as criterion=score:comment.",
            discussion: "Example: opcc round score cumbria-R-0001-A-003 --score \"need=3:Clear local data\" "
                + "--score \"delivery=2:Thin plan\" --score \"value=4:Low cost\" --as assessor.a")
        @OptionGroup var id: ApplicationID
        @Option(help: "criterion=score:comment (repeat for each criterion).") var score: [String] = []
        func run() async throws {
            try await runReportingRefusals {
                let scores = try score.map { text -> CriterionScore in
                    let parts = text.split(separator: "=", maxSplits: 1)
                    let rest = parts.count == 2 ? parts[1].split(separator: ":", maxSplits: 1) : []
                    guard parts.count == 2, rest.count == 2, let value = Int(rest[0]) else {
                        throw ValidationError("--score '\(text)': write criterion=score:comment")
                    }
                    return CriterionScore(criterion: String(parts[0]), score: value, comment: String(rest[1]))
                }
                let app = try id.global.open()
                let made = try await app.submitScores(id.application, scores: scores, by: try id.global.actorName())
                printLine("\(id.application): weighted \(WeightedScore.percent(made.weightedBasisPoints))")
            }
        }
    }

    struct Moderate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The moderation table: weighted scores per assessor, mean, spread and its flag.",
            discussion: "Example: opcc round moderate cumbria-R-0001 --as cumbria.officer")
        @OptionGroup var id: RoundID
        func run() async throws {
            try await runReportingRefusals {
                let app = try id.global.open()
                for row in try await app.moderation(round: id.round, by: try id.global.actorName()) {
                    let scores = row.assessorBasisPoints.keys.sorted().map {
                        "\($0)=\(WeightedScore.percent(row.assessorBasisPoints[$0]!))"
                    }.joined(separator: " ")
                    printLine(
                        "\(row.application.id)\tmean \(row.meanBasisPoints.map(WeightedScore.percent) ?? "-")\t"
                            + "spread \(WeightedScore.percent(row.spreadBasisPoints))\(row.spreadFlag ? " FLAG" : "")\t"
                            + "\(scores)\t\(row.recommendation?.recommendation.rawValue ?? "")")
                }
            }
        }
    }

    struct Recommend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the panel's moderated score and recommendation (award, award-reduced, decline).",
            discussion: "Example: opcc round recommend cumbria-R-0001-A-003 --moderated 72.50 --award-reduced "
                + "--amount 3500.00 --reasons \"Venue costs trimmed\" --as cumbria.officer")
        @OptionGroup var id: ApplicationID
        @Option(help: "The moderated score, as a percentage of the maximum (e.g. 72.50).") var moderated: String
        @Option(help: "award, award-reduced or decline.") var recommendation: String
        @Option(help: "For award-reduced: the amount (e.g. 3500.00).") var amount: String?
        @Option(help: "The panel's reasons (a declined applicant's feedback).") var reasons: String
        func run() async throws {
            try await runReportingRefusals {
                guard let choice = Recommendation(rawValue: recommendation) else {
                    throw ValidationError("--recommendation is award, award-reduced or decline")
                }
                guard let percent = Decimal(string: moderated) else {
                    throw ValidationError("--moderated is a percentage such as 72.50")
                }
                let basisPoints = NSDecimalNumber(decimal: percent * 100).intValue
                let app = try id.global.open()
                let made = try await app.recommend(
                    id.application, moderatedBasisPoints: basisPoints, recommendation: choice,
                    amount: try amount.map { try Money(parsing: $0) }, reasons: reasons, by: try id.global.actorName())
                printLine("\(id.application): \(made.recommendation.rawValue) \(made.amount?.description ?? "")")
            }
        }
    }

    struct Decision: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Raise the round's one Request for PCC Decision listing the recommended awards.",
            discussion: """
                Then take it through its workflow (opcc decision submit/sign/refer/decide); the Commissioner's \
                approval allocates the awards and drafts their agreements.
                Example: opcc round decision cumbria-R-0001 --as cumbria.officer
                """)
        @OptionGroup var id: RoundID
        func run() async throws {
            try await runReportingRefusals {
                let app = try id.global.open()
                printLine(try await app.raiseRoundDecision(round: id.round, by: try id.global.actorName()))
            }
        }
    }

    struct Outcome: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What the round's decision did: allocations and agreements.",
            discussion: "Example: opcc round outcome cumbria-R-0001 --as cumbria.officer")
        @OptionGroup var id: RoundID
        func run() async throws {
            try await runReportingRefusals {
                let app = try id.global.open()
                let outcome = try await app.roundOutcome(round: id.round, by: try id.global.actorName())
                printLine("decision \(outcome.decisionID)")
                for a in outcome.allocations {
                    printLine("\(a.id)\t\(a.recipientOrgID)\t\(a.amount)\t\(a.sizeBand ?? "")")
                }
                printLine("agreements: " + outcome.agreements.joined(separator: ", "))
            }
        }
    }
}
