import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OPCCCore
import OPCCServices
import OPCCTestSupport
import PropertyBased
import Testing

@testable import OPCCWeb

/// A relay that refuses every message for good, so the rows it is given fail.
struct RefusingTransport: MailTransport {
    func deliver(_ batch: [OutgoingMail]) async -> [MailOutcome] {
        batch.map { _ in .permanent(category: "rejected") }
    }
}

/// A new demo database on `engine` with a Cumbria decision submitted: its signatories (the officer and the chief
/// executive) each have a sign-off request in the outbox. Answers the app and the record's id.
private func submitted(_ engine: TestEngine, _ title: String) async throws -> (Commissioning, String) {
    let app = try await makeDemoApp(engine, returns: false)
    let id = try await app.raiseDecision(office: "cumbria", draft: webDraft(title), by: "cumbria.officer").id
    try await app.submitDecision(id, by: "cumbria.officer")
    return (app, id)
}

/// The sign-off request for `id` in `person`'s list.
private func request(_ app: Commissioning, _ id: String, of person: String) async throws -> StoredNotification? {
    try await Web.everyNotification(of: person, app: app).rows.first { $0.subjectID == id }
}

private func server(_ app: Commissioning, demoOutbox: Bool = false) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "opcc.web.tests")
    logger.logLevel = .warning
    var configuration = WebConfiguration(
        commissioning: app, logger: logger, throttle: concurrentTestsThrottle, publicURL: "https://opcc.example")
    configuration.demoOutbox = demoOutbox
    return try await buildApplication(configuration: configuration)
}

@Suite("Notification pages and API")
struct NotificationPageTests {
    @Test(arguments: TestEngine.all)
    func theHomePageAndEveryPagesHeaderShowTheUnreadCountAndTheNewest(engine: TestEngine) async throws {
        let (app, id) = try await submitted(engine, "Home page notice")
        let unread = try await app.notifications(of: "cumbria.chief-executive").unread
        #expect(unread >= 1)
        try await server(app).test(.router) { client in
            var chief = Browser(client)
            _ = try await chief.signIn("cumbria.chief-executive")
            let home = try await chief.get("/home")
            #expect(home.body.contains("\(unread) unread"))
            #expect(home.body.contains("Sign-off needed"))
            #expect(home.body.contains("href=\"/notifications#notification-"))
            let register = try await chief.get("/decisions")
            #expect(register.body.contains("<span class=\"visually-hidden\">unread: </span>\(unread)</span>"))
            let list = try await chief.get("/notifications")
            #expect(list.status == .ok)
            #expect(list.body.contains("\(unread) unread notification"))
            #expect(list.body.contains("href=\"/decisions/\(id)\""))
            #expect(list.body.contains("Home page notice"))
        }
    }

    @Test(arguments: TestEngine.all)
    func aPersonMarksTheirOwnNotificationReadAndNeverAnothersNorWithoutTheFormToken(
        engine: TestEngine
    ) async throws {
        let (app, id) = try await submitted(engine, "Marked read")
        let chiefs = try #require(try await request(app, id, of: "cumbria.chief-executive"))
        try await server(app).test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let refused = try await officer.post("/notifications/\(chiefs.id)/read")
            #expect(refused.status == .notFound)
            #expect(refused.body.contains("a person marks only their own read"))
            #expect(try await request(app, id, of: "cumbria.chief-executive")?.readAtMs == nil)

            var chief = Browser(client)
            _ = try await chief.signIn("cumbria.chief-executive")
            let forged = try await chief.post("/notifications/\(chiefs.id)/read", csrf: "0123abcd")
            #expect(forged.status == .forbidden)
            #expect(try await request(app, id, of: "cumbria.chief-executive")?.readAtMs == nil)
            for bad in ["0", "-1", "x", "99999999999999999999"] {
                #expect(try await chief.post("/notifications/\(bad)/read").status == .notFound)
            }

            let marked = try await chief.post("/notifications/\(chiefs.id)/read", ["page": "1"])
            #expect(marked.status == .seeOther)
            #expect(marked.location == "/notifications?page=1&marked=1")
            #expect(try await request(app, id, of: "cumbria.chief-executive")?.readAtMs != nil)
            #expect(try await chief.get(marked.location ?? "").body.contains("Marked as read."))

            let all = try await chief.post("/notifications/read")
            #expect(all.status == .seeOther)
            #expect(try await app.notifications(of: "cumbria.chief-executive").unread == 0)
            #expect(try await chief.get(all.location ?? "").body.contains("notifications marked as read."))
            #expect(try await app.notifications(of: "cumbria.officer").unread > 0, "the officer's are untouched")
        }
    }

    @Test(arguments: TestEngine.all)
    func theListIsPagedTwentyToAPageNewestFirst(engine: TestEngine) async throws {
        let app = try await makeDemoApp(engine, returns: false)
        for n in 1...21 {
            let id = try await app.raiseDecision(
                office: "cumbria", draft: webDraft("Paged \(n)"), by: "cumbria.officer"
            )
            .id
            try await app.submitDecision(id, by: "cumbria.officer")
        }
        let total = try await Web.everyNotification(of: "cumbria.chief-executive", app: app).rows.count
        let pages = (total + 19) / 20
        try await server(app).test(.router) { client in
            var chief = Browser(client)
            _ = try await chief.signIn("cumbria.chief-executive")
            let first = try await chief.get("/notifications")
            #expect(first.body.contains("Paged 21"))
            #expect(!first.body.contains("Paged 1\""))
            #expect(first.body.contains("Page 1 of \(pages)"))
            #expect(first.body.contains("href=\"/notifications?page=2\""))
            let second = try await chief.get("/notifications?page=2")
            #expect(second.body.contains("Page 2 of \(pages)"))
            #expect(second.body.contains("Paged 1\u{201D}") || second.body.contains("Paged 1"))
            #expect(!second.body.contains("Paged 21"))
            #expect(try await chief.get("/notifications?page=999").body.contains("Page \(pages) of \(pages)"))
        }
    }

    @Test(arguments: TestEngine.all)
    func aPersonChoosesImmediateMailOrADailyDigestAndNothingElse(engine: TestEngine) async throws {
        let app = try await makeDemoApp(engine, returns: false)
        try await server(app).test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let form = try await officer.get("/notifications/preferences")
            #expect(form.body.contains("Statutory deadlines (Part 1 publication, overdue returns) are always"))
            #expect(form.body.contains("value=\"immediate\" checked"))
            let bad = try await officer.post("/notifications/preferences", ["preference": "weekly"])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("Choose immediately or once a day"))
            #expect(bad.body.contains("href=\"#preference\""))
            #expect(try await app.notificationPreference(of: "cumbria.officer") == .immediate)
            let saved = try await officer.post("/notifications/preferences", ["preference": "daily-digest"])
            #expect(saved.status == .seeOther)
            #expect(try await app.notificationPreference(of: "cumbria.officer") == .dailyDigest)
            let shown = try await officer.get(saved.location ?? "")
            #expect(shown.body.contains("Your email preference is saved."))
            #expect(shown.body.contains("value=\"daily-digest\" checked"))
        }
    }

    @Test(arguments: TestEngine.all)
    func theChiefExecutiveSeesAndResendsFailedNotificationsAndNobodyElseMay(engine: TestEngine) async throws {
        let (app, id) = try await submitted(engine, "Failed and resent")
        for person in try await app.everyone() where person.office == "cumbria" {
            try await app.setEmail("\(person.name)@cumbria.example.org", of: person.name, by: person.name)
        }
        _ = try await app.deliverNotifications(
            transport: RefusingTransport(), node: "test", settings: .init(publicURL: "https://opcc.example"),
            now: Date(), limit: 1000)
        let failed = try #require(try await request(app, id, of: "cumbria.officer"))
        #expect(failed.state == .failed)
        try await server(app).test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(try await officer.get("/notifications/failed").status == .forbidden)
            let refused = try await officer.post("/notifications/\(failed.id)/resend")
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("only the chief executive of cumbria may resend"))
            #expect(try await request(app, id, of: "cumbria.officer")?.state == .failed)

            var chief = Browser(client)
            _ = try await chief.signIn("cumbria.chief-executive")
            let page = try await chief.get("/notifications/failed")
            #expect(page.status == .ok)
            #expect(page.body.contains("action=\"/notifications/\(failed.id)/resend\""))
            #expect(page.body.contains("rejected"))
            let resent = try await chief.post("/notifications/\(failed.id)/resend")
            #expect(resent.status == .seeOther)
            #expect(try await request(app, id, of: "cumbria.officer")?.state == .pending)
            #expect(try await chief.get(resent.location ?? "").body.contains("is back in the outbox"))
            let again = try await chief.post("/notifications/\(failed.id)/resend")
            #expect(again.status == .conflict, "only a failed one is resent")
        }
    }

    @Test(arguments: TestEngine.all)
    func theDemoOutboxShowsTheSignOffMailToItsRecipientsAndNotToAnotherOffice(engine: TestEngine) async throws {
        let (app, id) = try await submitted(engine, "Shown in the outbox")
        try await server(app, demoOutbox: true).test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let home = try await officer.get("/home")
            #expect(home.body.contains("href=\"/demo/outbox\""))
            let own = try await officer.get("/demo/outbox")
            #expect(own.status == .ok)
            #expect(own.body.contains("Sign-off needed"))
            #expect(own.body.contains("Shown in the outbox"))
            #expect(own.body.contains("https://opcc.example/decisions/\(id)"))
            #expect(own.body.contains("&lt;opcc-"), "the Message-ID")
            // The demo's people have addresses (fixtures/people.yaml): the mail shows where it would go.
            #expect(own.body.contains("cumbria.officer &lt;officer@cumbria.example.org&gt;"))

            var chief = Browser(client)
            _ = try await chief.signIn("cumbria.chief-executive")
            let office = try await chief.get("/demo/outbox")
            #expect(office.body.contains("every notification of cumbria"))
            #expect(office.body.contains("cumbria.officer &lt;"), "the chief executive sees the office's")

            var other = Browser(client)
            _ = try await other.signIn("lincs.chief-executive")
            let elsewhere = try await other.get("/demo/outbox")
            #expect(elsewhere.status == .ok)
            #expect(!elsewhere.body.contains("Shown in the outbox"))
            #expect(!elsewhere.body.contains(id))
        }
        try await server(app).test(.router) { client in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            #expect(try await officer.get("/demo/outbox").status == .notFound, "only in the demo without a relay")
            #expect(!(try await officer.get("/home").body.contains("/demo/outbox")))
        }
    }

    @Test(arguments: TestEngine.all)
    func theAPIListsMarksAndChoosesForTheCallerOnly(engine: TestEngine) async throws {
        let (app, id) = try await submitted(engine, "Through the API")
        let chiefs = try #require(try await request(app, id, of: "cumbria.chief-executive"))
        try await server(app).test(.router) { client in
            let chief = try await APIClient(client, as: "cumbria.chief-executive", app: app)
            let officer = try await APIClient(client, as: "cumbria.officer", app: app)
            let list = try await chief.get("/api/v1/notifications?limit=5")
            #expect(list.status == .ok)
            #expect(
                list.object["total"] as? Int == (try await Web.everyNotification(of: chief.user, app: app).rows.count))
            #expect(list.items.count <= 5)
            let all = try await chief.get("/api/v1/notifications?limit=500")
            let item = try #require(all.items.first { $0["record"] as? String == id })
            #expect(item["subject"] as? String == chiefs.subject)
            #expect(item["read"] as? Bool == false)
            #expect(item["link"] as? String == "/decisions/\(id)")

            let notTheirs = try await officer.post("/api/v1/notifications/\(chiefs.id)/read")
            #expect(notTheirs.status == .notFound)
            #expect(notTheirs.body.contains("notification-owned-by-reader"))
            #expect(try await request(app, id, of: chief.user)?.readAtMs == nil)
            #expect(try await chief.post("/api/v1/notifications/\(chiefs.id)/read").status == .ok)
            #expect(try await request(app, id, of: chief.user)?.readAtMs != nil)
            #expect(try await chief.post("/api/v1/notifications/x/read").status == .notFound)
            let everyOne = try await officer.post("/api/v1/notifications/read")
            #expect(everyOne.status == .ok)
            #expect(try await app.notifications(of: officer.user).unread == 0)

            #expect(
                try await chief.get("/api/v1/notification-preference").object["preference"] as? String == "immediate")
            let bad = try await chief.call(.put, "/api/v1/notification-preference", #"{"preference":"weekly"}"#)
            #expect(bad.status == .unprocessableContent)
            let extra = try await chief.call(
                .put, "/api/v1/notification-preference", #"{"preference":"daily-digest","x":1}"#)
            #expect(extra.status == .unprocessableContent)
            #expect(try await app.notificationPreference(of: chief.user) == .immediate)
            let set = try await chief.call(.put, "/api/v1/notification-preference", #"{"preference":"daily-digest"}"#)
            #expect(set.status == .ok && set.object["preference"] as? String == "daily-digest")
            #expect(try await app.notificationPreference(of: chief.user) == .dailyDigest)
            #expect(try await app.notificationPreference(of: officer.user) == .immediate)
        }
    }

    @Test(arguments: TestEngine.all)
    func anyTextInANotificationFormOrQueryIsAnAnswerThatChangesNothing(engine: TestEngine) async throws {
        let (app, id) = try await submitted(engine, "Hostile input")
        let before = try await Web.everyNotification(of: "cumbria.chief-executive", app: app)
        try await server(app, demoOutbox: true).test(.router) { client in
            var chief = Browser(client)
            _ = try await chief.signIn("cumbria.chief-executive")
            await propertyCheck(count: 20, input: HostileText.text) { text in
                let value = HostileText.encoded(text)
                for path in ["/notifications", "/notifications/preferences", "/notifications/failed", "/demo/outbox"] {
                    for name in ["page", "marked", "saved", "resent"] {
                        #expect(try await chief.get("\(path)?\(name)=\(value)").status.code < 500)
                    }
                }
                let preference = try await chief.post("/notifications/preferences", ["preference": text])
                #expect(preference.status == (text == "immediate" ? .seeOther : .unprocessableContent))
                // Never a notification's id (a trailing letter), so nothing may be marked or resent.
                #expect(try await chief.post("/notifications/\(value)x/read", ["page": text]).status == .notFound)
                #expect(try await chief.post("/notifications/\(value)x/resend").status == .notFound)
            }
            let after = try await Web.everyNotification(of: "cumbria.chief-executive", app: app)
            #expect(after.rows == before.rows && after.unread == before.unread)
            #expect(try await app.notificationPreference(of: "cumbria.chief-executive") == .immediate)
            #expect(try await request(app, id, of: "cumbria.chief-executive")?.readAtMs == nil)
        }
    }
}
