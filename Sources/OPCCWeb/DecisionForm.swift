import Foundation
import Hummingbird
import OPCCCore
import OPCCServices

/// The new-decision form, and the edit form of a draft (which sets `version`, `action`, `heading` and `button`):
/// every field `opcc decision raise --file` takes (the same `DecisionDraft`, through the same service call). The Part 2
/// fields are there only for the office's Part 2 readers.
struct DraftForm: Encodable, Sendable {
    var office: String
    var title = ""
    var executiveSummary = ""
    var recommendation = ""
    var amount = ""
    /// The office's budget strands by year (`STRAND|YEAR`), the record's own first when it is not among them.
    var funding: [Choice] = []
    var introductionAndBackground = ""
    var issuesForConsideration = ""
    var implications: [Implication] = []
    var consultation = ""
    var backgroundPapers = ""
    var significantPublicInterest = false
    var pressReleaseRequired = false
    var strategyFormulated: [Choice] = []
    var strategyAttached: [Choice] = []
    var proposedPressReleaseDate = ""
    var deferred = false
    var deferralReason = ""
    var deferralUntil = ""
    var untilRequired = false
    /// Whether the reader may write Part 2 (the office's Part 2 readers); nil hides the Part 2 fields.
    var part2Reader: Bool?
    var part2Exists = false
    var part2Reason = ""
    var part2Complete = false
    /// "This office's limit is 100 words." (nil: no limit).
    var wordLimit: String?
    /// The day a raise took effect, when recorded later (`--on`).
    var on = ""
    var errors: [FieldError] = []
    /// Each field's error, shown beside it (`fe.publication_reason`).
    var fe: [String: String] = [:]
    var version: String?
    var action: String?
    var heading: String?
    var button: String?

    /// One implication section of the office's form.
    struct Implication: Encodable, Sendable {
        var id: String
        var name: String
        var label: String
        var text: String
        var error: String?
    }

    init(office: String) { self.office = office }
}

/// The fields of the complete form, by name (also each input's id).
enum DraftField {
    static let marker = "complete-form"
    static let funding = "fundingSource"
    static let yes = "1"
}

extension Web {
    /// A blank form for the person's office, or one filled from `record` (an edit), or from what was `entered`.
    func draftForm(
        office: String, user: String, record: DecisionRecord? = nil, entered: Form? = nil, errors: [FieldError] = []
    ) async throws -> DraftForm {
        let profile = try await app.profile(of: office)
        let roles = try await app.person(named: user)?.actor.roles(covering: record?.id) ?? []
        var model = DraftForm(office: office)
        let e = entered?.fields
        func text(_ name: String, _ stored: String?) -> String { e.map { $0[name] ?? "" } ?? stored ?? "" }
        func flag(_ name: String, _ stored: Bool) -> Bool { e.map { $0[name] == DraftField.yes } ?? stored }
        model.title = text("title", record?.title)
        model.executiveSummary = text("executiveSummary", record?.executiveSummary)
        model.recommendation = text("recommendation", record?.recommendation)
        model.amount = text("amount", record?.amount?.formatted)
        model.introductionAndBackground = text("introductionAndBackground", record?.introductionAndBackground)
        model.issuesForConsideration = text("issuesForConsideration", record?.issuesForConsideration)
        model.consultation = text("consultation", record?.consultation)
        model.backgroundPapers = text("backgroundPapers", record?.backgroundPapers)
        model.significantPublicInterest = flag("significantPublicInterest", record?.significantPublicInterest ?? false)
        model.pressReleaseRequired = flag("pressReleaseRequired", record?.media.pressReleaseRequired ?? false)
        model.strategyFormulated = Self.yesNoChoices(
            e.map { $0["strategyFormulated"] ?? "" } ?? Self.yesNo(record?.media.strategyFormulated))
        model.strategyAttached = Self.yesNoChoices(
            e.map { $0["strategyAttached"] ?? "" } ?? Self.yesNo(record?.media.strategyAttached))
        model.proposedPressReleaseDate = text(
            "proposedPressReleaseDate", record?.media.proposedPressReleaseDate?.iso)
        model.deferred = flag("deferred", record?.publication.deferred ?? false)
        model.deferralReason = text("deferralReason", record?.publication.reason)
        model.deferralUntil = text("deferralUntil", record?.publication.until?.iso)
        model.untilRequired = profile.deferralNeedsUntilDate
        if !roles.isDisjoint(with: profile.part2Readers) {
            model.part2Reader = true
            model.part2Exists = flag("part2Exists", record?.part2.exists ?? false)
            model.part2Reason = text("part2Reason", record?.part2.reason)
            model.part2Complete = flag("part2Complete", record?.part2.complete ?? false)
        }
        model.on = e?["on"] ?? ""
        model.wordLimit = profile.executiveSummaryWordLimit.map { "This office's limit is \($0) words." }
        let fe = fieldErrors(errors)
        model.implications = profile.implicationSections.map { key in
            let id = "implications-" + key
            return DraftForm.Implication(
                id: id, name: id, label: DecisionNotice.implicationLabel(key),
                text: text(id, record?.implications[key]), error: fe[id.replacingOccurrences(of: "-", with: "_")])
        }
        let chosen = e.map { $0[DraftField.funding] ?? "" } ?? record?.fundingSource.map(Self.fundingValue) ?? ""
        model.funding = try await fundingChoices(office: office, user: user, chosen: chosen)
        model.errors = errors
        model.fe = fe
        return model
    }

    /// The funding choices: none, then each strand of the office's budget by year, newest year first.
    func fundingChoices(office: String, user: String, chosen: String) async throws -> [Choice] {
        let strands = (try? await app.budgetStrands(by: user)) ?? []
        var choices = [Choice(value: "", label: "Not chosen yet", selected: chosen.isEmpty)]
        let sorted = strands.sorted { ($1.year, $0.strand) < ($0.year, $1.strand) }
        for strand in sorted {
            let value = Self.fundingValue(FundingSource(strand: strand.strand, year: strand.year))
            choices.append(
                Choice(
                    value: value, label: "\(strand.year): \(strand.name) (\(strand.strand))",
                    selected: value == chosen))
        }
        if !chosen.isEmpty, !choices.contains(where: { $0.value == chosen }) {
            // A record's own source that is not (or no longer) a strand of the budget stays choosable as it is.
            choices.insert(
                Choice(value: chosen, label: chosen.replacingOccurrences(of: "|", with: ", "), selected: true), at: 1)
        }
        return choices
    }

    static func fundingValue(_ source: FundingSource) -> String { "\(source.strand)|\(source.year)" }

    static func yesNo(_ value: Bool?) -> String { value.map { $0 ? "yes" : "no" } ?? "" }

    static func yesNoChoices(_ chosen: String) -> [Choice] {
        [("", "Not answered"), ("yes", "Yes"), ("no", "No")].map {
            Choice(value: $0.0, label: $0.1, selected: $0.0 == chosen)
        }
    }

    /// The draft the complete form describes: every field it shows, as the CLI's file would give them (blank texts
    /// clear a field; the Part 2 content only when typed, so an edit need not read it back). Part 2 is read only
    /// from a Part 2 reader's form. A form without the complete form's marker (an older page) gives its four fields.
    func completeDraft(_ form: Form, profile: OfficeProfile, part2Reader: Bool) throws -> DecisionDraft {
        var draft = DecisionDraft()
        draft.title = form.text("title") ?? ""
        draft.executiveSummary = form.text("executiveSummary") ?? ""
        draft.recommendation = form.text("recommendation") ?? ""
        draft.amount = form.text("amount")
        guard form[DraftField.marker] != nil else { return draft }
        if let chosen = form.text(DraftField.funding) {
            guard let bar = chosen.lastIndex(of: "|") else {
                throw ServiceRefusal(rule: .validChoice, message: "fundingSource: choose a strand of the budget")
            }
            var funding = DecisionDraft.Funding(strand: "", year: "")
            funding.strand = String(chosen[..<bar])
            funding.year = String(chosen[chosen.index(after: bar)...])
            draft.fundingSource = funding
        }
        draft.introductionAndBackground = form.text("introductionAndBackground") ?? ""
        draft.issuesForConsideration = form.text("issuesForConsideration") ?? ""
        draft.implications = Dictionary(
            uniqueKeysWithValues: profile.implicationSections.map { ($0, form.text("implications-" + $0) ?? "") })
        draft.consultation = form.text("consultation") ?? ""
        draft.backgroundPapers = form.text("backgroundPapers") ?? ""
        draft.significantPublicInterest = form["significantPublicInterest"] == DraftField.yes
        var media = DecisionDraft.Media()
        media.pressReleaseRequired = form["pressReleaseRequired"] == DraftField.yes
        media.strategyFormulated = try Self.answer(form, "strategyFormulated")
        media.strategyAttached = try Self.answer(form, "strategyAttached")
        media.proposedPressReleaseDate = try Self.day(form, "proposedPressReleaseDate")
        draft.media = media
        var publication = DecisionDraft.Publication()
        publication.deferred = form["deferred"] == DraftField.yes
        publication.reason = form.text("deferralReason") ?? ""
        publication.until = try Self.day(form, "deferralUntil")
        draft.publication = publication
        if part2Reader {
            draft.part2 = DecisionDraft.Part2Draft(
                exists: form["part2Exists"] == DraftField.yes, reason: form.text("part2Reason") ?? "",
                content: form.text("part2Content"), complete: form["part2Complete"] == DraftField.yes)
        }
        return draft
    }

    /// A yes / no / not answered choice.
    static func answer(_ form: Form, _ name: String) throws -> Bool? {
        switch form.text(name) {
        case nil: return nil
        case "yes": return true
        case "no": return false
        default: throw ServiceRefusal(rule: .validChoice, message: "\(name): choose yes, no or not answered")
        }
    }

    /// A day typed as year-month-day, or nil when blank; the refusal names the field.
    static func day(_ form: Form, _ name: String) throws -> Day? {
        guard let text = form.text(name) else { return nil }
        do { return try Day(iso: text) } catch {
            throw ServiceRefusal(
                rule: .validDate, message: "\(name): enter the date as year-month-day, like 2017-03-31 (not '\(text)')")
        }
    }
}

/// The cookie carrying the banner of the step just taken to the page the browser is sent to (post/redirect/get).
/// It holds only the step's name, never anything a person typed, and is read once.
let flashCookieName = "opcc_flash"

/// The step a banner confirms, by the step's name in the form's address.
enum StepFlash: String, Sendable {
    case raised, edit, submit, sign, refer, decide, publish, withdraw, note, correct
    case deferred = "defer"
    case returned = "return"

    var message: String {
        switch self {
        case .raised: return "The draft is saved."
        case .edit: return "Your changes to the draft are saved."
        case .submit: return "The record is submitted for sign-off and has its number."
        case .sign: return "The sign-off is recorded."
        case .refer: return "The record is referred to the decision-maker."
        case .returned: return "The record is returned to draft for revision."
        case .decide: return "The decision is recorded; the Part 1 publication clock is running."
        case .deferred: return "Publication of Part 1 is deferred."
        case .publish: return "Part 1 is published."
        case .withdraw: return "The record is withdrawn."
        case .note: return "The Commissioner's noting of the delegated decision is recorded."
        case .correct: return "The correction to Part 1 is recorded."
        }
    }

    /// Whether the banner also gives the executive summary's word count (every save of the draft).
    var countsWords: Bool { self == .raised || self == .edit }
}

extension Web {
    /// A redirect to `path` that shows `flash`'s banner there.
    func flashRedirect(to path: String, _ flash: StepFlash) -> Response {
        var response = Response.redirect(to: path, type: .normal)
        response.setCookie(
            Cookie(
                name: flashCookieName, value: flash.rawValue, maxAge: 120, path: "/decisions", secure: secureCookies,
                httpOnly: true, sameSite: .lax))
        return response
    }

    func expiredFlashCookie() -> Cookie {
        Cookie(
            name: flashCookieName, value: "", maxAge: 0, path: "/decisions", secure: secureCookies, httpOnly: true,
            sameSite: .lax)
    }

    /// The executive summary's word count against the office's limit: a warning in draft when over it (submission
    /// refuses it, as the `executive-summary-within-limit` guard does).
    static func wordCount(_ record: DecisionRecord, profile: OfficeProfile) -> (text: String, over: Bool) {
        let words = DecisionRules.wordCount(record.executiveSummary)
        let noun = words == 1 ? "word" : "words"
        guard let limit = profile.executiveSummaryWordLimit else {
            return ("The executive summary has \(words) \(noun); this office sets no limit.", false)
        }
        if words > limit {
            return (
                "The executive summary has \(words) \(noun), over this office's limit of \(limit): shorten it "
                    + "before you submit, or submission will be refused.", true
            )
        }
        return ("The executive summary has \(words) \(noun), within this office's limit of \(limit).", false)
    }
}

extension Web {
    /// "Delegated: decided by the Chief Executive" for the status line, when someone decided in the Commissioner's
    /// place; nil otherwise.
    func delegatedLabel(_ record: DecisionRecord) -> String? {
        guard let decision = record.decision, decision.isDelegated else { return nil }
        return "Delegated decision (\(DecisionNotice.roleLabel(decision.role)))"
    }

    /// Who decided in the Commissioner's place, under which delegation and limit, and the Commissioner's noting.
    func delegationFacts(_ record: DecisionRecord) -> [Fact] {
        guard let decision = record.decision, decision.isDelegated else { return [] }
        let limit = decision.delegation?.upTo.map { "up to \($0.formatted)" } ?? "no amount limit recorded"
        var facts = [
            Fact(
                label: "Delegated decision",
                value: "Taken by the \(DecisionNotice.roleLabel(decision.role)) in the Commissioner's place, under "
                    + "the office's decision delegation (\(limit))")
        ]
        if let noting = record.noting {
            facts.append(Fact(label: "Noted by the Commissioner", value: "\(noting.notedBy) on \(noting.day.iso)"))
        } else if DecisionRules.awaitsNoting(record) {
            facts.append(Fact(label: "Noted by the Commissioner", value: "Not yet noted"))
        }
        return facts
    }
}
