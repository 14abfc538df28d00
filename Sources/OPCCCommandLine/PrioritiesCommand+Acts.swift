import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// The acts of `opcc priorities`: recording an assessment and its scores, the board's decisions and priorities,
/// adoption and the money links. Each is an act of the `priority-selection` workflow, audited, and refused with the
/// rule's name and what to do.
extension PrioritiesCommand {
    struct IDOptions: ParsableArguments {
        @Argument(help: "The assessment id, e.g. leicestershire-PA-0001.") var id: String
        @Option(help: "Only if the record is still at this version (the API's ETag); else nothing changes.")
        var version: Int?
        @OptionGroup var global: GlobalOptions
    }

    static func percentage(_ text: String, _ option: String) throws -> Percentage {
        do { return try Percentage(parsing: text) } catch { throw ValidationError("\(option): \(error.description)") }
    }

    /// `STRAND[/RECIPIENT][=SHARE]`: "SAFER/GB-LAE-NWL=40%", "SAFER" (the whole strand, 100%).
    static func link(_ spec: String) throws -> PrioritySelection.MoneyLink {
        let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
        let line = parts[0].split(separator: "/", maxSplits: 1).map(String.init)
        guard !parts[0].isEmpty, !line[0].isEmpty else {
            throw ValidationError("--link: write STRAND[/RECIPIENT][=SHARE], e.g. SAFER/GB-LAE-NWL=40%")
        }
        return .init(
            strand: line[0], recipient: line.count == 2 ? line[1] : nil,
            share: parts.count == 2 ? try percentage(parts[1], "--link") : .whole)
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a partnership's assessment from a YAML or JSON file (an officer).",
            discussion: """
                The file gives office, partnership {code, name}, year, source, method {model, combination {kind: \
                sum-divided-by|mean|median, divisor, rounding: half-up|down|up}, probabilityScale {uncontrolled, \
                under-control, reducing: [{atLeast: "10%", score}]}, bands {highFrom, mediumFrom}, priorities, \
                statutoryObligations}, agencies (in column order) and threats [{threat, scores (a sum or six factor \
                scores per agency, in the agencies' order), total, control, share, note}] (fixtures/priorities/ \
                shows one). A published table is kept exactly, its recorded totals beside the computed ones.
                Example: opcc priorities import --file snwp-2018-19.yaml --as leics.officer
                """)
        @Option(help: "YAML or JSON file with the assessment.") var file: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let parsed = try PriorityFile.parse(yaml: try readUserFile(file), source: file)
                let made = try await app.importAssessment(
                    try parsed.assessment(source: file), by: try global.actorName(), on: try global.effectiveDay())
                printLine(
                    "\(made.id): \(made.partnershipName) \(made.year), \(made.threats.count) threats, "
                        + "\(made.agencies.count) agencies (scoring)")
            }
        }
    }

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an agency's harm score for a threat: six factors of 1-4, or a published sum.",
            discussion: """
                --factors gives the six factor scores in order: physical-individual, psychological-individual, \
                psychological-community, political-organisation, economic-organisation, economic-social. A corrected \
                score replaces the earlier one; scores change only while scoring.
                Example: opcc priorities score leicestershire-PA-0002 --threat "Hate Crime" --agency Fire \
                --factors 1,1,2,1,1,1 --as leics.officer
                """)
        @OptionGroup var o: IDOptions
        @Option(help: "The threat, as the assessment names it.") var threat: String
        @Option(help: "The partner agency, as the assessment names it.") var agency: String
        @Option(help: "Six factor scores, comma-separated.") var factors: String?
        @Option(help: "A summed score (6-24), when the factors are not known.") var sum: Int?

        func run() async throws {
            let score: HarmScore
            switch (factors, sum) {
            case (let text?, nil):
                let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard values.allSatisfy({ $0 != nil }) else { throw ValidationError("--factors: give whole numbers") }
                score = HarmScore(factors: values.map { $0! })
            case (nil, let total?): score = HarmScore(sum: total)
            default: throw ValidationError("give either --factors or --sum")
            }
            try await performAct(o, "\(agency) scored '\(threat)' \(score.sum)") { app, who, day in
                try await app.recordHarmScore(
                    o.id, threat: threat, agency: agency, score: score, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct Probability: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a threat's control-chart status and share of volume (its probability follows).",
            discussion: """
                --control is under-control, uncontrolled or reducing; --share the threat's percentage of the overall \
                volume. The partnership's declared scale turns them into a probability score.
                Example: opcc priorities probability leicestershire-PA-0002 --threat "Violent Crime" \
                --control uncontrolled --share 22.46% --note "1,009 of 4,493" --as leics.officer
                """)
        @OptionGroup var o: IDOptions
        @Option(help: "The threat.") var threat: String
        @Option(help: "under-control, uncontrolled or reducing.") var control: String
        @Option(help: "Share of the overall volume, e.g. 22.5%.") var share: String
        @Option(help: "Where the inputs come from.") var note: String?

        func run() async throws {
            guard let status = ControlStatus(rawValue: control) else {
                throw ValidationError("--control must be under-control, uncontrolled or reducing")
            }
            let volume = try PrioritiesCommand.percentage(share, "--share")
            try await performAct(o, "'\(threat)' is \(status) at \(volume) of volume") { app, who, day in
                try await app.recordProbability(
                    o.id, threat: threat, control: status, share: volume, note: note, by: who, on: day,
                    expectedVersion: o.version)
            }
        }
    }

    struct CloseScoring: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "close-scoring",
            abstract: "Close scoring: refused while an agency has not scored a threat or a threat has no probability.",
            discussion: "Example: opcc priorities close-scoring leicestershire-PA-0002 --as leics.officer")
        @OptionGroup var o: IDOptions
        func run() async throws {
            try await performAct(o, "scoring closed") { app, who, day in
                try await app.closeScoring(o.id, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct ReopenScoring: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reopen-scoring",
            abstract: "Go back to scoring before adoption to correct a score, with a reason.",
            discussion:
                "Example: opcc priorities reopen-scoring leicestershire-PA-0002 --reason \"Fire's scores resent\" --as leics.officer"
        )
        @OptionGroup var o: IDOptions
        @Option(help: "Why.") var reason: String
        func run() async throws {
            try await performAct(o, "scoring reopened") { app, who, day in
                try await app.reopenScoring(o.id, reason: reason, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the board's decision on a Medium threat, selected or not, with its reason.",
            discussion: """
                Every Medium threat needs one before adoption, and the priorities must do what it says. A later \
                decision replaces an earlier one; both stay on the record.
                Example: opcc priorities decide leicestershire-PA-0002 --threat "Road Safety*" --not-select \
                --reason "Led by the road safety partnership" --as leics.officer
                """)
        @OptionGroup var o: IDOptions
        @Option(help: "The Medium threat.") var threat: String
        @Flag(help: "The board selects it (a priority covers it).") var select = false
        @Flag(help: "The board does not select it.") var notSelect = false
        @Option(help: "The board's reason.") var reason: String

        func run() async throws {
            guard select != notSelect else { throw ValidationError("give --select or --not-select") }
            try await performAct(o, "decision on '\(threat)' recorded") { app, who, day in
                try await app.recordBoardDecision(
                    o.id, .mediumDecision(threat: threat, selected: select), reason: reason, by: who, on: day,
                    expectedVersion: o.version)
            }
        }
    }

    struct Compel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record what compels the selection of a Low threat (e.g. a national steer), with its reason.",
            discussion: """
                --kind is national-steer, statutory-duty, police-and-crime-plan or other.
                Example: opcc priorities compel leicestershire-PA-0002 --threat Cybercrime --kind national-steer \
                --reason "A national priority" --as leics.officer
                """)
        @OptionGroup var o: IDOptions
        @Option(help: "The Low threat.") var threat: String
        @Option(help: "national-steer, statutory-duty, police-and-crime-plan or other.") var kind: String
        @Option(help: "The reason.") var reason: String

        func run() async throws {
            guard let compulsion = PrioritySelection.Compulsion(rawValue: kind) else {
                throw ValidationError("--kind must be national-steer, statutory-duty, police-and-crime-plan or other")
            }
            try await performAct(o, "compulsion for '\(threat)' recorded") { app, who, day in
                try await app.recordBoardDecision(
                    o.id, .compulsion(threat: threat, compulsion), reason: reason, by: who, on: day,
                    expectedVersion: o.version)
            }
        }
    }

    struct SetCount: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-count",
            abstract: "Record a board decision to set a different number of priorities this year, with its reason.",
            discussion:
                "Example: opcc priorities set-count leicestershire-PA-0002 --count 4 --reason \"Board minute 7\" --as leics.officer"
        )
        @OptionGroup var o: IDOptions
        @Option(help: "How many priorities the board sets.") var count: Int
        @Option(help: "The board's reason.") var reason: String

        func run() async throws {
            try await performAct(o, "the board sets \(count) priorities") { app, who, day in
                try await app.recordBoardDecision(
                    o.id, .priorityCount(count), reason: reason, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct SetPriority: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-priority",
            abstract: "Set a priority (or statutory obligation): its title, the threats it covers, its money.",
            discussion: """
                A priority may group several threats. --link STRAND[/RECIPIENT][=SHARE] ties it to a budget strand, \
                or one recipient's line within it, for a share (default 100%). Giving an existing code replaces it.
                Example: opcc priorities set-priority leicestershire-PA-0002 --code P1 --title "The effects of \
                violence" --threat "Violent Crime" --threat "Domestic Abuse" --link SAFER/GB-LAE-NWL=40% \
                --as leics.officer
                """)
        @OptionGroup var o: IDOptions
        @Option(help: "Short code, e.g. P1.") var code: String
        @Option(help: "The priority as the partnership words it.") var title: String
        @Flag(help: "A statutory obligation, delivered whatever the matrix says.") var statutory = false
        @Option(help: "A threat it covers (repeat for several).") var threat: [String] = []
        @Option(help: "A budget line it is tied to: STRAND[/RECIPIENT][=SHARE] (repeatable).") var link: [String] = []

        func run() async throws {
            let links = try link.map(PrioritiesCommand.link)
            try await performAct(o, "priority \(code) set") { app, who, day in
                try await app.setPriority(
                    o.id,
                    .init(
                        code: code, title: title, kind: statutory ? .statutory : .local, threats: threat, money: links),
                    by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct RemovePriority: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-priority", abstract: "Remove a priority while the board is selecting.",
            discussion: "Example: opcc priorities remove-priority leicestershire-PA-0002 --code P4 --as leics.officer")
        @OptionGroup var o: IDOptions
        @Option(help: "The priority's code.") var code: String
        func run() async throws {
            try await performAct(o, "priority \(code) removed") { app, who, day in
                try await app.removePriority(o.id, code: code, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct Adopt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Adopt the board's selection (refused, naming each rule, unless it follows them).",
            discussion: """
                Refused unless every High is covered by a selected priority, every Medium has the board's decision \
                with a reason, no Low is selected without a recorded compulsion, the priorities number what the \
                partnership sets (or the board last decided) and every statutory obligation is delivered.
                Example: opcc priorities adopt leicestershire-PA-0002 --as leics.chief-executive
                """)
        @OptionGroup var o: IDOptions
        func run() async throws {
            try await performAct(o, "adopted") { app, who, day in
                try await app.adoptPriorities(o.id, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tie a priority to the budget lines that fund it (finance; replaces its links).",
            discussion: """
                Allowed while selecting and once adopted. The priorities together may claim at most 100% of a line. \
                No --link removes the priority's links.
                Example: opcc priorities link leicestershire-PA-0001 --priority P3 --link SAFER/GB-LAE-NWL=10% \
                --as leics.finance
                """)
        @OptionGroup var o: IDOptions
        @Option(help: "The priority's code.") var priority: String
        @Option(help: "STRAND[/RECIPIENT][=SHARE] (repeatable).") var link: [String] = []

        func run() async throws {
            let links = try link.map(PrioritiesCommand.link)
            try await performAct(
                o, "\(priority) tied to \(links.isEmpty ? "no budget line" : "\(links.count) line(s)")"
            ) {
                app, who, day in
                try await app.linkPriorityMoney(
                    o.id, priority: priority, links: links, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close an adopted assessment (the year is over, or a later one replaces it), with a reason.",
            discussion:
                "Example: opcc priorities close leicestershire-PA-0001 --reason \"2018/19 adopted\" --as leics.officer")
        @OptionGroup var o: IDOptions
        @Option(help: "Why.") var reason: String
        func run() async throws {
            try await performAct(o, "closed") { app, who, day in
                try await app.closeAssessment(o.id, reason: reason, by: who, on: day, expectedVersion: o.version)
            }
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw an assessment before adoption, with a reason.",
            discussion:
                "Example: opcc priorities withdraw leicestershire-PA-0002 --reason \"entered twice\" --as leics.officer"
        )
        @OptionGroup var o: IDOptions
        @Option(help: "Why.") var reason: String
        func run() async throws {
            try await performAct(o, "withdrawn") { app, who, day in
                try await app.withdrawAssessment(o.id, reason: reason, by: who, on: day, expectedVersion: o.version)
            }
        }
    }
}
