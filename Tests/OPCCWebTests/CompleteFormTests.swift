import Foundation
import Hummingbird
import HummingbirdTesting
import OPCCCore
import OPCCServices
import OPCCTestSupport
import PropertyBased
import Testing

@testable import OPCCWeb

/// Every field of the complete form, as a Cumbria officer fills it in (seed 000's sections).
private func cumbriaForm(title: String, summary: String = "Pilot VLI work in two wards.") -> [String: String] {
    var fields = [
        "complete-form": "1", "title": title, "executiveSummary": summary,
        "recommendation": "Approve £100,000 from the ASB strand.", "amount": "£100,000", "fundingSource": "ASB|2016/17",
        "introductionAndBackground": "Introduction: the VLI ranks SOAs over 200.",
        "issuesForConsideration": "Issues: partnership working in Copeland.",
        "consultation": "Consulted: district councils, who agree.",
        "backgroundPapers": "Papers: business case and EIA.", "significantPublicInterest": "1",
        "pressReleaseRequired": "1", "strategyFormulated": "yes", "strategyAttached": "no",
        "proposedPressReleaseDate": "2026-11-30", "deferralReason": "", "deferralUntil": "",
        "part2Exists": "1", "part2Reason": "Names of households.",
        "part2Content": "Form tripwire 5521: households named in Part 2.", "part2Complete": "1",
    ]
    for key in OfficeProfile.standardImplicationSections {
        fields["implications-" + key] = "Implication \(key): considered."
    }
    return fields
}

/// The error summary's links: each `href="#…"` it holds.
private func errorLinks(_ body: String) -> [String] {
    guard let start = body.range(of: "class=\"error-summary\""),
        let end = body.range(of: "</div>", range: start.upperBound..<body.endIndex)
    else { return [] }
    return body[start.upperBound..<end.lowerBound].components(separatedBy: "href=\"#").dropFirst().compactMap {
        $0.split(separator: "\"").first.map(String.init)
    }
}

/// Lancashire (the Chief Executive within £50,000, noted by the Commissioner) added to `app`, its people with the
/// demo password.
private func addLancashire(to app: Commissioning) async throws {
    let source = "fixtures/new-office/lancashire.yaml"
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent(source), encoding: .utf8)
    let profile = try OfficeProfile.parse(yaml: text, source: source)
    _ = try await app.addOffice(LoadedProfile(profile: profile, text: text, source: source), by: "t.setup")
    try await app.addPerson(
        name: "lancs.chief-executive", displayName: "Chief Executive, OPCC for Lancashire", office: "lancashire",
        grants: [RoleGrant(role: .chiefExecutive)], by: "t.setup")
    for (name, display, role) in [
        ("lancs.officer", "Commissioning officer", Role.officer),
        ("lancs.pcc", "Police and Crime Commissioner for Lancashire", Role.commissioner),
    ] {
        try await app.addPerson(
            name: name, displayName: display, office: "lancashire", grants: [RoleGrant(role: role)],
            by: "lancs.chief-executive")
    }
    let hash = Passwords.hash(Passwords.demoPassword, cost: 4)
    for name in ["lancs.chief-executive", "lancs.officer", "lancs.pcc"] {
        try await app.setPasswordHash(hash, of: name)
    }
}

@Suite("Web: the complete decision form, act dates and banners, and delegated decisions")
struct CompleteFormTests {
    @Test(arguments: TestEngine.all) func theCompleteFormTakesEveryFieldTheCommandLineTakes(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let blank = try await officer.get("/decisions/new")
            #expect(blank.body.contains("<option value=\"ASB|2016/17\""), "the budget's strands are offered")
            for field in ["consultation", "implications-victims", "part2Content", "deferralUntil", "strategyAttached"] {
                #expect(blank.body.contains("id=\"\(field)\""), "\(field)")
            }
            let raised = try await officer.post("/decisions", cumbriaForm(title: "Complete form"))
            #expect(raised.status == .seeOther)
            let path = try #require(raised.location)
            let id = String(path.dropFirst("/decisions/".count))
            let shown = try await officer.get(path)
            #expect(shown.body.contains("The draft is saved."), "a banner confirms the step")
            #expect(shown.body.contains("within this office&#39;s limit of 100") || shown.body.contains("limit of 100"))
            #expect(!(try await officer.get(path)).body.contains("The draft is saved."), "the banner shows once")

            let record = try await sharedApp(engine).showDecision(id, by: "cumbria.officer").record
            #expect(record.fundingSource?.strand == "ASB")
            #expect(record.fundingSource?.year.description == "2016/17")
            #expect(record.consultation == "Consulted: district councils, who agree.")
            #expect(record.implications["victims"] == "Implication victims: considered.")
            #expect(record.significantPublicInterest)
            #expect(record.media.strategyFormulated == true && record.media.strategyAttached == false)
            #expect(record.media.proposedPressReleaseDate == (try Day(iso: "2026-11-30")))
            #expect(record.part2.exists && record.part2.complete)
            #expect(record.part2.reason == "Names of households.")
            let content = try await sharedApp(engine).readPart2(id, by: "cumbria.officer")
            #expect(content == "Form tripwire 5521: households named in Part 2.")

            // The edit form comes back filled in; leaving Part 2's content blank keeps it.
            let edit = try await officer.get("\(path)/edit")
            #expect(edit.body.contains("Consulted: district councils, who agree."))
            #expect(!edit.body.contains("Form tripwire 5521"), "the edit form never reads Part 2 back")
            var changed = cumbriaForm(title: "Complete form, edited")
            changed["part2Content"] = ""
            changed["implications-legal"] = "Legal: grant agreements under s143."
            let saved = try await officer.post("\(path)/edit", changed)
            #expect(saved.status == .seeOther)
            #expect(try await officer.get(path).body.contains("Your changes to the draft are saved."))
            let edited = try await sharedApp(engine).showDecision(id, by: "cumbria.officer").record
            #expect(edited.title == "Complete form, edited")
            #expect(edited.implications["legal"] == "Legal: grant agreements under s143.")
            #expect(try await sharedApp(engine).readPart2(id, by: "cumbria.officer").hasPrefix("Form tripwire 5521"))
        }
    }

    @Test(arguments: TestEngine.all) func badInputComesBackWithTheEntriesKeptAndTheErrorBesideTheField(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            var fields = cumbriaForm(title: "Bad date")
            fields["deferred"] = "1"
            fields["deferralReason"] = "Procurement under way."
            fields["deferralUntil"] = "31/03/2027"
            let refused = try await officer.post("/decisions", fields)
            #expect(refused.status == .unprocessableContent)
            #expect(errorLinks(refused.body) == ["deferralUntil"])
            #expect(refused.body.contains("id=\"deferralUntil-error\""), "the error is beside its field")
            #expect(refused.body.contains("Procurement under way."), "what was entered is kept")
            #expect(refused.body.contains("Consulted: district councils, who agree."))
            #expect(refused.body.contains("value=\"31/03/2027\""))
            var badStrand = cumbriaForm(title: "Bad strand")
            badStrand["fundingSource"] = "ASB|1066"
            let strand = try await officer.post("/decisions", badStrand)
            #expect(strand.status == .unprocessableContent)
            #expect(errorLinks(strand.body) == ["fundingSource"])
            var badDay = cumbriaForm(title: "Raised on no day")
            badDay["on"] = "the 2nd of November"
            let future = try await officer.post("/decisions", badDay)
            #expect(future.status == .unprocessableContent)
            #expect(errorLinks(future.body) == ["on"])
            #expect(future.body.contains("id=\"on-error\""))
            let titles = try await sharedApp(engine).decisionRegister(DecisionFilter(), by: "cumbria.officer")
                .map(\.title)
            #expect(
                titles.allSatisfy { !["Bad date", "Bad strand", "Raised on no day"].contains($0) },
                "nothing was raised")
        }
    }

    @Test(arguments: TestEngine.all) func thePart2FieldsAreOnlyForThePart2Readers(engine: TestEngine) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(try await officer.get("/decisions/new").body.contains("id=\"part2Content\""))
            var finance = Browser(client)
            _ = try await finance.signIn("cumbria.finance")
            let page = try await finance.get("/decisions/new")
            #expect(!page.body.contains("part2Content"), "finance does not read Part 2 in Cumbria")
        }
    }

    @Test(arguments: TestEngine.all) func theWordCountShowsOnEverySaveAndSubmissionRefusesASummaryOverTheLimit(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            // Seed 000's précis had 118 words against Cumbria's limit of 100.
            let long = Array(repeating: "word", count: 118).joined(separator: " ")
            let raised = try await officer.post("/decisions", cumbriaForm(title: "Long précis", summary: long))
            let path = try #require(raised.location)
            let page = try await officer.get(path)
            #expect(page.body.contains("has 118 words, over this office"))
            #expect(page.body.contains("Warning:"))
            let refused = try await officer.post("\(path)/submit")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("too long"))
        }
    }

    @Test(arguments: TestEngine.all) func everyActFormTakesTheDayTheActTookEffectWithTheRulesOfOn(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            var form = cumbriaForm(title: "Dated acts")
            form["on"] = "2026-11-02"
            let raised = try await officer.post("/decisions", form)
            let path = try #require(raised.location)
            let id = String(path.dropFirst("/decisions/".count))
            let page = try await officer.get(path)
            #expect(page.body.contains("id=\"submit-on\""), "every act's form has its date")
            let backwards = try await officer.post("\(path)/submit", ["on": "2026-11-01"])
            #expect(backwards.status == .unprocessableContent)
            #expect(errorLinks(backwards.body) == ["submit-on"])
            #expect(backwards.body.contains("id=\"submit-on-error\""))
            #expect(backwards.body.contains("value=\"2026-11-01\""), "what was entered is kept")
            let badDay = try await officer.post("\(path)/submit", ["on": "yesterday"])
            #expect(errorLinks(badDay.body) == ["submit-on"])
            let future = try await officer.post("\(path)/submit", ["on": "2026-11-21"])
            #expect(future.status == .unprocessableContent)
            #expect(errorLinks(future.body) == ["submit-on"])
            let submitted = try await officer.post("\(path)/submit", ["on": "2026-11-03"])
            #expect(submitted.status == .seeOther)
            #expect(try await officer.get(path).body.contains("The record is submitted for sign-off"))
            let log = try await sharedApp(engine).auditLog(instance: id, by: "cumbria.officer")
            #expect(log.first { $0.event == "submit" }?.effectiveDay == (try Day(iso: "2026-11-03")))
        }
    }

    @Test(arguments: TestEngine.all) func aDelegatedDecisionIsLabelledAndTheCommissionerNotesItInTheBrowser(
        engine: TestEngine
    ) async throws {
        let commissioning = try await makeDemoApp(engine, returns: false)
        try await addLancashire(to: commissioning)
        let app = try await webApp(engine: engine, commissioning: commissioning)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("lancs.officer")
            var form = cumbriaForm(title: "Youth diversion in Burnley")
            form["amount"] = "£40,000"
            form["fundingSource"] = ""
            form["on"] = "2026-11-02"
            let path = try #require(try await officer.post("/decisions", form).location)
            let id = String(path.dropFirst("/decisions/".count))
            #expect(try await officer.post("\(path)/submit", ["on": "2026-11-02"]).status == .seeOther)
            let signed = try await officer.post(
                "\(path)/sign", ["position": "originating-officer", "name": "A. Officer", "on": "2026-11-02"])
            #expect(signed.status == .seeOther)
            #expect(try await officer.post("\(path)/refer", ["on": "2026-11-03"]).status == .seeOther)
            var chief = Browser(client)
            _ = try await chief.signIn("lancs.chief-executive")
            let decided = try await chief.post(
                "\(path)/decide", ["approve": "yes", "interests": "None.", "on": "2026-11-10"])
            #expect(decided.status == .seeOther)
            var pcc = Browser(client)
            _ = try await pcc.signIn("lancs.pcc")
            let pending = try await pcc.get(path)
            #expect(pending.body.contains("Delegated decision (Chief Executive)"))
            #expect(pending.body.contains("up to £50,000.00"))
            #expect(pending.body.contains("Not yet noted"))
            #expect(pending.body.contains("Note the delegated decision"))
            let noted = try await pcc.post("\(path)/note", ["on": "2026-11-12"])
            #expect(noted.status == .seeOther)
            let page = try await pcc.get(path)
            #expect(page.body.contains("noting of the delegated decision is recorded"))
            #expect(page.body.contains("Police and Crime Commissioner for Lancashire on 2026-11-12"))
            #expect(!page.body.contains("Note the delegated decision"), "noted once")
            #expect(try await officer.post("\(path)/publish", ["on": "2026-11-13"]).status == .seeOther)
            var visitor = Browser(client)
            let notice = try await visitor.get("/register/\(id)")
            #expect(notice.status == .ok)
            #expect(notice.body.contains("Delegated decision"))
            #expect(notice.body.contains("2026-11-12"))
            #expect(notice.body.contains("Consulted: district councils, who agree."))
            #expect(!notice.body.contains("Form tripwire 5521"), "Part 2 never on the public notice")
            let register = try await officer.get("/decisions?q=Burnley")
            #expect(register.body.contains("Delegated: Chief Executive, up to £50,000.00, noted 2026-11-12"))
            let publicRegister = try await visitor.get("/register")
            #expect(publicRegister.body.contains("Delegated: Chief Executive"))
        }
    }

    @Test(arguments: TestEngine.all) func arbitraryTextInEveryNewFieldIsSavedOrRefusedAndNeverBreaksAPage(
        engine: TestEngine
    ) async throws {
        let app = try await webApp(engine: engine)
        try await app.test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            _ = try await officer.get("/decisions/new")
            await propertyCheck(count: 15, input: HostileText.text) { text in
                var form = cumbriaForm(title: "Arbitrary text")
                for field in [
                    "consultation", "implications-it", "introductionAndBackground", "issuesForConsideration",
                    "backgroundPapers", "deferralReason", "part2Reason", "part2Content", "on", "fundingSource",
                    "proposedPressReleaseDate", "strategyFormulated",
                ] {
                    form[field] = text
                }
                let posted = try await officer.post("/decisions", form)
                // A form body over the forms' limit (256 KiB, `Web.formFields`) is refused whole with 413: twelve
                // fields of a long text of 4-byte characters, each percent-encoded as 12 bytes, can pass it.
                let encoded = form.reduce(0) { sum, field in
                    sum + (field.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics)?.utf8.count ?? 0)
                }
                let expected: [HTTPResponse.Status] =
                    encoded > 256 * 1024
                    ? [.contentTooLarge]
                    : encoded < 250 * 1024
                        ? [.seeOther, .unprocessableContent]
                        : [.seeOther, .unprocessableContent, .contentTooLarge]
                #expect(expected.contains(posted.status), "\(encoded) bytes: \(text.debugDescription)")
                if let path = posted.location {
                    #expect(try await officer.get(path).status == .ok)
                    #expect(try await officer.get("\(path)/edit").status == .ok)
                }
            }
        }
    }
}
