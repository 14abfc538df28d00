import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import OPCCCore
import OPCCServices
import OPCCTestSupport
import Synchronization
import Testing

@testable import OPCCWeb

/// A relay that accepts everything and keeps what it was given.
final class RecordingTransport: MailTransport {
    let sent = Mutex<[OutgoingMail]>([])

    func deliver(_ batch: [OutgoingMail]) async -> [MailOutcome] {
        sent.withLock { $0 += batch }
        return batch.map { _ in .accepted }
    }

    func mails(containing text: String) -> [OutgoingMail] {
        sent.withLock { $0.filter { $0.text.contains(text) } }
    }
}

/// Polls `condition` every 100 ms for up to `seconds`.
func eventually(seconds: Double = 20, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// A server over `app` whose delivery worker sends through `transport` (rounds an hour apart unless woken).
func deliveringWebApp(
    _ app: Commissioning, transport: RecordingTransport, interval: Duration = .seconds(3600)
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "opcc.web.tests")
    logger.logLevel = .warning
    var configuration = WebConfiguration(
        commissioning: app, port: 0, logger: logger, throttle: concurrentTestsThrottle,
        publicURL: "https://opcc.example")
    configuration.delivery = MailDelivery(
        transport: transport, settings: .init(publicURL: "https://opcc.example"), node: "web-test",
        interval: interval)
    return try await buildApplication(configuration: configuration)
}

@Suite("opcc serve's delivery worker")
struct DeliveryWorkerTests {
    @Test(arguments: TestEngine.all)
    func aSubmitInTheBrowserIsMailedToTheSignatoriesSoonAfterWithoutWaitingForTheInterval(
        engine: TestEngine
    ) async throws {
        let app = try await makeDemoApp(engine, returns: false)
        for person in try await app.everyone() where person.office == "cumbria" {
            try await app.setEmail("\(person.name)@cumbria.example.org", of: person.name, by: person.name)
        }
        let transport = RecordingTransport()
        let title = "Worker test \(UUID().uuidString.prefix(8))"
        try await deliveringWebApp(app, transport: transport).test(.live) { client async throws in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            let raised = try await officer.post(
                "/decisions", ["title": title, "executiveSummary": "A summary.", "recommendation": "Approve."])
            let path = try #require(raised.location)
            #expect(try await officer.post("\(path)/submit").status == .seeOther)
            // The interval is an hour: only the submit's wake-up can have sent it.
            #expect(try await eventually { !transport.mails(containing: title).isEmpty }, "no mail was sent")
            try await Task.sleep(for: .milliseconds(500))
            let mails = transport.mails(containing: title)
            let signatories = try await app.everyone().filter { $0.office == "cumbria" }
                .filter { !$0.actor.roles(covering: nil).isDisjoint(with: [.officer, .chiefExecutive]) }
            #expect(!mails.isEmpty && mails.allSatisfy { $0.subject.hasPrefix("Sign-off needed") })
            #expect(
                mails.allSatisfy { $0.text.contains("https://opcc.example\(path)") },
                "the link is built from --public-url")
            #expect(mails.allSatisfy { $0.messageID.hasSuffix("@opcc.example>") })
            #expect(Set(mails.flatMap(\.to)).isSubset(of: Set(signatories.map { "\($0.name)@cumbria.example.org" })))
            #expect(Set(mails.flatMap(\.to)).count == mails.count, "each is sent once")
            #expect(mails.allSatisfy { !$0.text.contains(tripwire) && !$0.html.contains(tripwire) })
        }
        let mine = try await app.notifications(of: "cumbria.chief-executive", offset: 0, limit: 50)
        let row = try #require(mine.notifications.first { $0.body.contains(title) })
        #expect(row.state == .sent)
    }

    @Test(arguments: TestEngine.all)
    func aServerWithoutARelaySendsNothingAndLeavesTheMailInTheOutbox(engine: TestEngine) async throws {
        let app = try await makeDemoApp(engine, returns: false)
        let id = try await app.raiseDecision(
            office: "cumbria", draft: webDraft("Left in the outbox"), by: "cumbria.officer"
        )
        .id
        try await app.submitDecision(id, by: "cumbria.officer")
        try await webApp(commissioning: app, port: 0).test(.live) { client async throws in
            var officer = Browser(client)
            _ = try await officer.signIn("cumbria.officer")
            try await Task.sleep(for: .milliseconds(500))
        }
        let mine = try await app.notifications(of: "cumbria.chief-executive", offset: 0, limit: 50)
        let row = try #require(mine.notifications.first { $0.subjectID == id })
        #expect(row.state == .pending)
    }
}
