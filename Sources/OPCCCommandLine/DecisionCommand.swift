import ArgumentParser
import Foundation
import OPCCCore
import OPCCServices

/// `opcc decision`: Requests for PCC Decision from draft to published Part 1.
struct DecisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decision",
        abstract: "Decision records: raise, sign off, decide, publish Part 1, keep Part 2 sealed.",
        discussion: """
            A record moves draft → awaiting-sign-offs (submit; the number is allocated) → with-decision-maker (refer, \
            once every sign-off the office requires is in) → approved or not-approved (decide) → published, or \
            publication-deferred → published. RECORD is a decision number in the office's form (014/2016) or a \
            record id (cumbria-DR-0001).
            Example: opcc decision show 014/2016 --office cumbria --as cumbria.officer
            """,
        subcommands: [
            Raise.self, Edit.self, Submit.self, Sign.self, Refer.self, Return.self, Decide.self, Defer.self,
            ForwardPlan.self, Publish.self, Withdraw.self, Note.self, Correct.self, Show.self, List.self, Notice.self,
            Part2.self, Import.self,
            Attach.self, Documents.self, Document.self, WithdrawDocument.self,
        ])
}

/// The shared body of the commands that perform one act and print the record's new state.
protocol DecisionActCommand: AsyncParsableCommand {
    var record: String { get }
    var global: GlobalOptions { get }
    var expected: ExpectedVersion { get }
    func act(_ app: Commissioning, id: String, actor: String, day: Day?) async throws -> Commissioning.DecisionView
}

extension DecisionActCommand {
    func run() async throws {
        try await performAct(global) { app in
            let id = try await app.decisionID(record, office: global.office)
            return try await act(app, id: id, actor: try global.actorName(), day: try global.effectiveDay())
        } report: { _, view in
            var line = "\(view.record.number ?? view.record.id): \(view.status)"
            if let deadline = view.record.part1Deadline, view.status != "published" {
                line += " (Part 1 due by \(deadline.iso))"
            }
            return line
        }
    }
}

/// `--version N`: the act is taken only if the record is still at version N (as `decision show` or the API's `ETag`
/// gave it); else it is refused as a conflict and nothing changes.
struct ExpectedVersion: ParsableArguments {
    @Option(help: "Only if the record is still at this version (the API's ETag); else nothing changes.")
    var version: Int?
}

/// The text of a file a user names, or a refusal saying it cannot be read.
func readUserFile(_ path: String) throws -> String {
    do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
        throw ServiceRefusal(rule: .readableFile, message: "\(path): cannot be read: \(error.localizedDescription)")
    }
}

/// A YAML or JSON file the user names, decoded, or a refusal naming the file, the field and the problem.
func decodeUserFile<T: Decodable>(_ type: T.Type, _ path: String, rule: ServiceRefusal.Rule) throws -> T {
    let text = try readUserFile(path)
    return try StrictYAML.decode(T.self, from: text, source: path, rule: rule)
}

func readDraft(_ path: String) throws -> DecisionDraft {
    try decodeUserFile(DecisionDraft.self, path, rule: .validDecisionFile)
}

extension DecisionCommand {
    struct Raise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Raise a draft decision record from a YAML or JSON file.",
            discussion: """
                The file holds the form's fields: title, executiveSummary, recommendation, amount ("£100,000"), \
                fundingSource {strand, year}, introductionAndBackground, issuesForConsideration, implications \
                {financial, legal, risk, hr-equality, it, procurement, victims, …}, backgroundPapers, consultation, \
                significantPublicInterest, publication {deferred, reason, until}, part2 {exists, reason, content, \
                complete}, media {pressReleaseRequired, strategyFormulated, strategyAttached, proposedPressReleaseDate}.
                Example: opcc decision raise --file draft.yaml --office cumbria --as cumbria.officer
                """)
        @Option(help: "YAML or JSON file with the record's fields.") var file: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let office = try await app.resolveOffice(global.office)
                let record = try await app.raiseDecision(
                    office: office, draft: try readDraft(file), by: try global.actorName(),
                    on: try global.effectiveDay())
                printLine("raised \(record.id): \(record.title) (draft; numbered at first submission)")
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a draft from a YAML or JSON file (only the fields given change).",
            discussion: "Example: opcc decision edit cumbria-DR-0003 --file changes.yaml --as cumbria.officer")
        @Argument(help: "The record.") var record: String
        @Option(help: "YAML or JSON file with the fields to change.") var file: String
        @Option(help: "Only if the record is still at this version (the API's ETag); else nothing changes.")
        var version: Int?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let updated = try await app.editDecision(
                    record, office: global.office, draft: try readDraft(file), by: try global.actorName(),
                    on: try global.effectiveDay(), expectedVersion: version)
                printLine("edited \(updated.id)")
            }
        }
    }

    struct Correct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct Part 1 after a decision (a new audited event, with a reason).",
            discussion: "Example: opcc decision correct 014/2016 --file fix.yaml --reason \"typo in ward name\" "
                + "--office cumbria --as cumbria.officer")
        @Argument(help: "The record.") var record: String
        @Option(help: "YAML or JSON file with the corrected fields.") var file: String
        @Option(help: "Why the correction is made.") var reason: String
        @Option(help: "Only if the record is still at this version (the API's ETag); else nothing changes.")
        var version: Int?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await runReportingRefusals {
                let app = try global.open()
                let view = try await app.correctDecision(
                    record, office: global.office, draft: try readDraft(file), reason: reason,
                    by: try global.actorName(), on: try global.effectiveDay(), expectedVersion: version)
                printLine("corrected \(view.record.number ?? view.record.id) (\(view.status))")
            }
        }
    }

    struct Submit: DecisionActCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit a draft for sign-off; the first submission allocates the decision number.",
            discussion: "Example: opcc decision submit cumbria-DR-0003 --as cumbria.officer")
        @Argument(help: "The record.") var record: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var expected: ExpectedVersion
        func act(_ app: Commissioning, id: String, actor: String, day: Day?) async throws -> Commissioning.DecisionView
        {
            try await app.submitDecision(id, by: actor, on: day, expectedVersion: expected.version)
        }
    }

    struct Sign: DecisionActCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a required sign-off (declaration, initialled consultation or officer approval).",
            discussion: """
                Positions come from the office profile ('opcc office show ID'). Consultations and declarations are \
                recorded by the originating officer; an approval by a person holding the position's role.
                Example: opcc decision sign 014/2016 --position chief-executive --name "Stuart Edwards" \
                --on 2016-03-07 --as cumbria.chief-executive
                """)
        @Argument(help: "The record.") var record: String
        @Option(help: "Signatory position, e.g. originating-officer.") var position: String
        @Option(help: "The signatory's name as on the form.") var name: String
        @Option(help: "Initials, where the form is initialled.") var initials: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var expected: ExpectedVersion
        func act(_ app: Commissioning, id: String, actor: String, day: Day?) async throws -> Commissioning.DecisionView
        {
            try await app.signDecision(
                id, position: position, name: name, initials: initials, by: actor, on: day,
                expectedVersion: expected.version)
        }
    }

    struct Refer: DecisionActCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refer the record to the decision-maker once every required sign-off is in.",
            discussion: "Example: opcc decision refer 014/2016 --as cumbria.chief-executive")
        @Argument(help: "The record.") var record: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var expected: ExpectedVersion
        func act(_ app: Commissioning, id: String, actor: String, day: Day?) async throws -> Commissioning.DecisionView
        {
            try await app.referDecision(id, by: actor, on: day, expectedVersion: expected.version)
        }
    }

    struct Return: DecisionActCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the record back to draft for revision, with reasons (its sign-offs are cleared).",
            discussion: "Example: opcc decision return 014/2016 --reason \"cost the hub works\" --as cumbria.pcc")
        @Argument(help: "The record.") var record: String
        @Option(help: "Why it goes back.") var reason: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var expected: ExpectedVersion
        func act(_ app: Commissioning, id: String, actor: String, day: Day?) async throws -> Commissioning.DecisionView
        {
            try await app.perform(
                .returnForRevision(reason: reason), on: id, by: actor, on: day, expectedVersion: expected.version)
        }
    }

    struct Decide: DecisionActCommand {
        static let configuration = CommandConfiguration(
            abstract: "The decision-maker approves or does not approve, declaring interests.",
            discussion: """
                The Commissioner decides, or the delegate the office profile names (within its amount limit). A \
                declared prejudicial interest passes the decision to the delegate.
                A key decision (by the office profile's forwardPlan) taken without the plan's clear days' notice is \
                refused unless --urgency gives the reason it cannot wait; it is then taken and flagged.
                Example: opcc decision decide 014/2016 --approve --interests none --on 2016-03-09 --as cumbria.pcc
                Example: opcc decision decide 2016-0007 --approve --interests none --urgency "the pilot starts \
                1 April" --as lancashire.pcc
                """)
        @Argument(help: "The record.") var record: String
        @Flag(help: "Approve the recommendation.") var approve = false
        @Flag(help: "Do not approve the recommendation.") var doNotApprove = false
        @Option(help: "Declaration of personal or prejudicial interests (\"none\" when there are none).")
        var interests: String
        @Flag(help: "A prejudicial interest is declared.") var prejudicialInterest = false
        @Option(help: "Why a key decision is taken without the forward plan's notice (recorded and flagged).")
        var urgency: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var expected: ExpectedVersion

        func validate() throws {
            guard approve != doNotApprove else {
                throw ValidationError("give exactly one of --approve, --do-not-approve")
            }
        }

        func act(_ app: Commissioning, id: String, actor: String, day: Day?) async throws -> Commissioning.DecisionView
        {
            try await app.decide(
                id, approve: approve, interests: interests, prejudicialInterest: prejudicialInterest,
                urgency: urgency, by: actor, on: day, expectedVersion: expected.version)
        }
    }

    struct ForwardPlan: DecisionActCommand {
        static let configuration = CommandConfiguration(
            commandName: "forward-plan",
            abstract: "List a key decision on the office's forward plan, with the day it is expected to be taken.",
            discussion: """
                For offices whose profile has forwardPlan. The notice counts from the day it is first listed (--on, \
                default today); listing it again changes only the expected day. Published at \
                /offices/ID/forward-plan, as CSV and as an iCalendar feed.
                Example: opcc decision forward-plan 2016-0007 --office lancashire --expected 2016-05-02 \
                --as lancashire.officer
                """)
        @Argument(help: "The record.") var record: String
        @Option(name: .customLong("expected"), help: "The day the decision is expected to be taken, YYYY-MM-DD.")
        var expectedDay: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var expected: ExpectedVersion

        func act(_ app: Commissioning, id: String, actor: String, day: Day?) async throws -> Commissioning.DecisionView
        {
            let date: Day
            do { date = try Day(iso: expectedDay) } catch { throw ValidationError("--expected: \(error)") }
            return try await app.listOnForwardPlan(
                id, expectedOn: date, by: actor, on: day, expectedVersion: expected.version)
        }
    }

    struct Note: DecisionActCommand {
        static let configuration = CommandConfiguration(
            abstract: "The Commissioner notes a decision the delegate took (where the office's delegation asks).",
            discussion: """
                Offices whose profile sets decisionDelegation.notedByCommissioner (Lancashire: the Chief Executive \
                decides within £50,000 and the Commissioner notes it) record the noting as a dated act; the record, \
                the public notice and the registers show it. --on dates a noting recorded later.
                Example: opcc decision note 2026-7 --office lancashire --on 2026-12-04 --as lancs.pcc
                """)
        @Argument(help: "The record.") var record: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var expected: ExpectedVersion

        func act(_ app: Commissioning, id: String, actor: String, day: Day?) async throws -> Commissioning.DecisionView
        {
            try await app.noteDecision(id, by: actor, on: day, expectedVersion: expected.version)
        }
    }

    struct Defer: DecisionActCommand {
        static let configuration = CommandConfiguration(
            abstract: "Defer publication of Part 1, with a reason and (where the office requires it) a date.",
            discussion: "Example: opcc decision defer 007/2020 --reason \"procurement under way\" --until 2020-07-01")
        @Argument(help: "The record.") var record: String
        @Option(help: "Why earlier release would compromise implementation.") var reason: String
        @Option(help: "Publish by this date, YYYY-MM-DD.") var until: String?
        @OptionGroup var global: GlobalOptions
        @OptionGroup var expected: ExpectedVersion
        func act(_ app: Commissioning, id: String, actor: String, day: Day?) async throws -> Commissioning.DecisionView
        {
            let date: Day?
            do { date = try until.map { try Day(iso: $0) } } catch { throw ValidationError("--until: \(error)") }
            return try await app.perform(
                .deferPublication(reason: reason, until: date), on: id, by: actor, on: day,
                expectedVersion: expected.version)
        }
    }

    struct Publish: DecisionActCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that Part 1 is published.",
            discussion: "Example: opcc decision publish 014/2016 --on 2016-03-14 --as cumbria.officer")
        @Argument(help: "The record.") var record: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var expected: ExpectedVersion
        func act(_ app: Commissioning, id: String, actor: String, day: Day?) async throws -> Commissioning.DecisionView
        {
            try await app.perform(.publish, on: id, by: actor, on: day, expectedVersion: expected.version)
        }
    }

    struct Withdraw: DecisionActCommand {
        static let configuration = CommandConfiguration(
            abstract: "Withdraw a record before a decision, with a reason (its number is never reused).",
            discussion: "Example: opcc decision withdraw cumbria-DR-0003 --reason duplicate --as cumbria.officer")
        @Argument(help: "The record.") var record: String
        @Option(help: "Why it is withdrawn.") var reason: String
        @OptionGroup var global: GlobalOptions
        @OptionGroup var expected: ExpectedVersion
        func act(_ app: Commissioning, id: String, actor: String, day: Day?) async throws -> Commissioning.DecisionView
        {
            try await app.perform(
                .withdraw(reason: reason), on: id, by: actor, on: day, expectedVersion: expected.version)
        }
    }
}
